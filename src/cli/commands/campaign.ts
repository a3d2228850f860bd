import type { Command } from 'commander';
import { campaignDocument, campaignReport, type CampaignDocument } from '../../core/campaigns/campaign-document.ts';
import type { ExplainDocument } from '../../core/campaigns/explain.ts';
import { reportText } from '../../core/tracking/campaign-report.ts';
import { SEND_STATES, type CampaignRecord } from '../../core/campaigns/ports.ts';
import { TailorError } from '../../core/errors.ts';
import { normalizeEmail } from '../../core/identity/email.ts';
import type { Tailor } from '../../main.ts';
import { withTailor } from '../context.ts';
import { optionalWhole } from '../flags.ts';
import { print, table, writeOut } from '../output.ts';
import { progress } from '../progress.ts';
import { readJson } from '../read-json.ts';

type Json = { json?: boolean };
const json = 'machine-readable output';
const FINAL = new Set(['sent', 'cancelled', 'draft']);

const withCounts = async (t: Tailor, c: CampaignRecord) => campaignDocument(c, await t.campaigns.campaigns.counts(c));

/** The counts that matter in one line: only the states that have rows. */
const countsLine = (d: CampaignDocument): string => {
  const parts = SEND_STATES.filter((s) => (d.counts?.[s] ?? 0) > 0).map((s) => `${d.counts![s]} ${s}`);
  return parts.length ? parts.join(', ') : 'no sends yet';
};
const oneLine = (verb: string, d: CampaignDocument) => `${verb} ${d.name} (${d.id}): ${d.status}; ${countsLine(d)}`;

function explainText(e: ExplainDocument): string {
  const lines = [`${e.campaign.name} (${e.campaign.status}) for ${e.profileId}: ${e.summary}`];
  for (const s of e.sends) {
    lines.push(`  step ${s.step}${s.arm ? ` arm ${s.arm}` : ''}: ${s.state}${s.reason ? ` (${s.reason}: ${s.detail ?? ''})` : ''}, due ${s.dueAt}${s.sentAt ? `, sent ${s.sentAt}` : ''}, ${s.email ?? 'no email'}, ${s.messageId}`);
  }
  if (e.now) {
    const n = e.now;
    lines.push(`  now: ${n.action}${n.reason ? ` (${n.reason}: ${n.detail})` : ''}; segments in: ${n.segments.in.join(', ') || '-'}, not in: ${n.segments.notIn.join(', ') || '-'}`
      + `${n.segments.excludedIn.length ? `, excluded by: ${n.segments.excludedIn.join(', ')}` : ''}`
      + `; consent: ${Object.entries(n.consent).map(([k, v]) => `${k}=${v === null ? 'none' : v}`).join(', ')}`
      + `; suppression: ${n.suppression ? `${n.suppression.value} (${n.suppression.reason})` : 'none'}`);
  }
  return lines.join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function registerCampaign(program: Command): void {
  const cp = program.command('campaign').description('broadcast and triggered campaigns: create, schedule, launch, pause, test, explain, status, worker');

  cp.command('create <spec>').description('save a draft campaign (a JSON file, @file.json or inline JSON; see README "Campaigns")')
    .option('--json', json)
    .action(async (spec: string, opts: Json, cmd: Command) => withTailor(cmd, async (t) => {
      const d = await withCounts(t, await t.campaigns.campaigns.create(readJson(spec, 'campaign')));
      print(!!opts.json, d, () => `created ${d.name} (${d.id}), a ${d.kind} draft`);
    }));

  cp.command('list').description('every campaign with its status').option('--json', json)
    .action(async (opts: Json, cmd: Command) => withTailor(cmd, async (t) => {
      const all = (await t.campaigns.campaigns.list()).map((c) => campaignDocument(c));
      print(!!opts.json, all, () => all.length === 0 ? 'no campaigns' : table([
        ['name', 'id', 'kind', 'status', 'launched', 'finished'],
        ...all.map((c) => [c.name, c.id, c.kind, c.status, c.launchedAt ?? '-', c.finishedAt ?? '-'])]));
    }));

  cp.command('show <campaign>').description('one campaign: definition, status and counts').option('--json', json)
    .action(async (ref: string, opts: Json, cmd: Command) => withTailor(cmd, async (t) => {
      const d = await withCounts(t, await t.campaigns.campaigns.get(ref));
      print(!!opts.json, d, () => `${oneLine('campaign', d)}\n${JSON.stringify(d, null, 2)}`);
    }));

  cp.command('schedule <campaign> <at>').description('launch a draft to start at an ISO time (e.g. 2026-05-01T09:00:00Z)').option('--json', json)
    .action(async (ref: string, at: string, opts: Json, cmd: Command) => withTailor(cmd, async (t) => {
      const d = await withCounts(t, await t.campaigns.campaigns.scheduleAt(ref, at));
      print(!!opts.json, d, () => `scheduled ${d.name} (${d.id}) for ${d.nextRunAt ?? at}`);
    }));

  for (const [verb, past, what] of [['launch', 'launched', 'start a draft: now, or at its schedule'], ['pause', 'paused', 'stop sending for now'],
    ['resume', 'resumed', 'carry on sending a paused campaign']] as const) {
    cp.command(`${verb} <campaign>`).description(what).option('--json', json)
      .action(async (ref: string, opts: Json, cmd: Command) => withTailor(cmd, async (t) => {
        const d = await withCounts(t, await t.campaigns.campaigns[verb](ref));
        print(!!opts.json, d, () => oneLine(past, d));
      }));
  }

  cp.command('cancel <campaign>').description('stop a campaign for good: messages not yet sent are cancelled').option('--json', json)
    .action(async (ref: string, opts: Json, cmd: Command) => withTailor(cmd, async (t) => {
      const r = await t.campaigns.campaigns.cancel(ref);
      const d = { ...(await withCounts(t, r.campaign)), cancelledSends: r.cancelled };
      print(!!opts.json, d, () => `cancelled ${d.name} (${d.id}): ${r.cancelled} messages not sent`);
    }));

  cp.command('delete <campaign>').description('delete a campaign that is not live, with its send rows').option('--json', json)
    .action(async (ref: string, opts: Json, cmd: Command) => withTailor(cmd, async (t) => {
      await t.campaigns.campaigns.remove(ref);
      print(!!opts.json, { deleted: ref }, () => `deleted ${ref}`);
    }));

  cp.command('test <campaign>').description("send the campaign's content to one address, subject prefixed [Test]")
    .requiredOption('--to <email>', 'the address to send the test to')
    .option('--profile <id>', 'render for this profile (id, user id or email); default: the first member of the audience')
    .option('--json', json)
    .action(async (ref: string, opts: Json & { to: string; profile?: string }, cmd: Command) => {
      const to = normalizeEmail(opts.to);
      if (!to.ok) throw new TailorError('invalid_argument', `--to: ${to.reason}`, 'to');
      await withTailor(cmd, async (t) => {
        const r = await t.campaigns.testSend(await t.campaigns.campaigns.get(ref), to.value, opts.profile);
        print(!!opts.json, { to: to.value, ...r }, () => `sent a test of ${ref} to ${to.value}, rendered for ${r.profileId} (${r.messageId})`);
      });
    });

  cp.command('explain <campaign> <profile>').description('why a person did or did not get a campaign, and what would happen now').option('--json', json)
    .action(async (ref: string, profile: string, opts: Json, cmd: Command) => withTailor(cmd, async (t) => {
      const e = await t.campaigns.explain(await t.campaigns.campaigns.get(ref), profile);
      print(!!opts.json, e, () => explainText(e));
    }));

  cp.command('status <campaign>').description('counts per state and the report; --watch follows it until it is over')
    .option('--watch', 'refresh until the campaign is sent or cancelled (a progress bar on a terminal)')
    .option('--interval <seconds>', 'with --watch: seconds between looks', '2')
    .option('--json', json)
    .action(async (ref: string, opts: Json & { watch?: boolean; interval: string }, cmd: Command) => {
      const everyMs = (optionalWhole(opts.interval, 'interval', { min: 1, max: 3600 }) ?? 2) * 1000;
      await withTailor(cmd, async (t) => {
        const svc = t.campaigns.campaigns;
        const look = async () => {
          const c = await svc.get(ref);
          return campaignReport(c, await svc.counts(c), await svc.reasons(c), await svc.sentSpan(c));
        };
        let r = await look();
        const bar = opts.watch ? progress(`${r.campaign.name}`, { json: opts.json, unit: 'messages' }) : null;
        try {
          while (opts.watch && !FINAL.has(r.campaign.status)) {
            const settled = r.total - r.counts.queued - r.counts.deferred - r.counts.rendering - r.counts.sending;
            bar?.update(settled, r.total);
            await sleep(everyMs);
            r = await look();
          }
        } finally {
          bar?.stop();
        }
        print(!!opts.json, r, () => [
          `${r.campaign.name} (${r.campaign.id}): ${r.campaign.status}, ${r.total} messages`,
          table([['state', 'count'], ...SEND_STATES.map((s) => [s, r.counts[s]])]),
          ...(r.reasons.length ? ['reasons:', ...r.reasons.map((x) => `  ${x.state} ${x.reason}: ${x.count}`)] : []),
          `first sent ${r.firstSentAt ?? '-'}, last sent ${r.lastSentAt ?? '-'}`,
        ].join('\n'));
      });
    });

  cp.command('report <campaign>')
    .description('sent, delivered, bounces, human and raw opens and clicks, CTR, CTOR, complaints, attributed revenue; per step, arm, segment, link and hour')
    .option('--json', json)
    .action(async (ref: string, opts: Json, cmd: Command) => withTailor(cmd, async (t) => {
      // Events that arrived since the follower's last batch count now.
      await t.reports.follower.follow();
      const r = await t.reports.reports.report(await t.campaigns.campaigns.get(ref));
      print(!!opts.json, r, () => reportText(r));
    }));

  cp.command('worker').description('run the send loop: launches, audiences, triggers and sending (stop with Ctrl-C)')
    .option('--until-idle', 'stop once nothing is left to do now (nothing due)')
    .option('--json', json)
    .action(async (opts: Json & { untilIdle?: boolean }, cmd: Command) => withTailor(cmd, async (t) => {
      if (opts.untilIdle) {
        let rounds = 0;
        let work = 0;
        for (;;) {
          const n = await t.campaigns.work.tick();
          rounds++;
          work += n;
          if (n > 0) continue;
          // Idle: nothing done this round and no pending row due by now (deferred ones may be due later).
          const due = await t.campaigns.work.nextDue();
          if (due === null || due > t.clock.now()) break;
        }
        const next = await t.campaigns.work.nextDue();
        const r = { rounds, work, nextDue: next === null ? null : new Date(next).toISOString() };
        print(!!opts.json, r, () => `idle after ${rounds} rounds${next === null ? '' : `; next message due ${r.nextDue}`}`);
        return;
      }
      t.campaigns.scheduler.start();
      t.reports.scheduler.start();
      if (opts.json) writeOut(`${JSON.stringify({ worker: 'started', pid: process.pid })}\n`);
      else writeOut(`send loop running (pid ${process.pid}); stop with Ctrl-C\n`);
      // The loop's timers do not hold the process open (they are unreferenced so that a server or
      // a test can close); this one does, until a signal.
      const keepAlive = setInterval(() => undefined, 1 << 30);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      clearInterval(keepAlive);
      // withTailor closes Tailor, which stops the loop and waits for the round in flight.
    }));
}
