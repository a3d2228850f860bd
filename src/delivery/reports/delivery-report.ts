/**
 * The one shape every bounce, complaint and delivery notice is turned into, whether it came as a
 * DSN or ARF email or as a provider's webhook, so the code that records `Email Bounced` and
 * `Email Marked as Spam` events and suppresses addresses never needs to know where it came from.
 * The use case that consumes it declares it (core may not import this layer); the parsers here
 * produce it.
 */
export type { DeliveryReport, ReportSource } from '../../core/campaigns/report-intake.ts';
