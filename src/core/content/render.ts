import type { Liquid } from 'liquidjs';
import type { CompiledTemplate } from './compile.ts';
import { compileFast } from './fast-liquid/index.ts';
import { createLiquid, RENDER_LIMITS } from './liquid-env.ts';
import { sanitizeUrlAttributes } from './safe-urls.ts';

/**
 * Per-recipient rendering of a compiled template version. Parsing happens once, in `prepare`;
 * `render` only runs Liquid (synchronously: no I/O happens in a render, and the async machinery
 * costs more than the work). A failure is that recipient's result, never an exception, so one bad
 * profile cannot stop a batch. After Liquid, URL attributes whose scheme is not allowed become `#`
 * (safe-urls.ts); each replacement is one of that recipient's `warnings`.
 */
export interface RenderedMessage { subject: string; preheader: string; html: string; text: string; warnings: string[] }
export type RenderResult = ({ ok: true } & RenderedMessage) | { ok: false; error: string };

export interface PreparedTemplate {
  /** `preheader`: this text instead of the template's (an experiment arm's), in the header and in the HTML and text bodies. */
  render(context: Record<string, unknown>, overrides?: { preheader?: string | undefined }): RenderResult;
}

/** `fastPath: false` renders with liquidjs alone (the benchmark's reference). */
export function prepareTemplate(c: CompiledTemplate, opts: { fastPath?: boolean } = {}): PreparedTemplate {
  const compile = opts.fastPath === false ? () => null : compileFast;
  const html = createLiquid(true, c.htmlPartials);
  const text = createLiquid(false, c.textPartials);
  const parsed = {
    subject: text.parse(c.subject),
    preheader: text.parse(c.preheader),
    html: html.parse(c.html),
    text: text.parse(c.text),
  };
  // The compiled fast path (fast-liquid/) where a template only uses what it implements; liquidjs otherwise.
  const fast = {
    subject: compile(text, parsed.subject),
    preheader: compile(text, parsed.preheader),
    html: compile(html, parsed.html),
    text: compile(text, parsed.text),
  };
  const limits = { renderLimit: RENDER_LIMITS.renderLimit };
  const run = (part: keyof typeof parsed, engine: Liquid, context: Record<string, unknown>, scope: Record<string, unknown> = {}): string => {
    const f = fast[part];
    if (f) return f.render(scope, context, limits);
    return engine.renderSync(parsed[part], scope, { globals: context }) as string;
  };
  return {
    render(context, overrides = {}) {
      try {
        // Header values are one line.
        const subject = oneLine(run('subject', text, context));
        const preheader = oneLine(overrides.preheader ?? run('preheader', text, context));
        const urls = sanitizeUrlAttributes(run('html', html, context, { preheader }));
        const body = urls.html;
        const warnings = [...new Set(urls.replaced.map((r) => `unsafe URL in ${r.attribute} replaced by "#": ${clip(r.value)}`))];
        const plain = tidyText(run('text', text, context, { preheader }));
        const bytes = body.length + plain.length;
        if (bytes > RENDER_LIMITS.maxOutputBytes) {
          return { ok: false, error: `the rendered message is ${bytes} characters, over the limit of ${RENDER_LIMITS.maxOutputBytes}` };
        }
        return { ok: true, subject, preheader, html: body, text: plain, warnings };
      } catch (e) {
        return { ok: false, error: describe(e) };
      }
    },
  };
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** A value quoted in a warning: one line, at most 80 characters (JSON string escapes show control characters). */
const clip = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 79)}…` : s);

/** Conditionals leave blank lines behind in the text part: at most one blank line in a row. */
const tidyText = (s: string): string => s.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();

function describe(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  if (/limit/i.test(m)) return `render stopped: ${m} (limits: ${RENDER_LIMITS.renderLimit} ms, ${RENDER_LIMITS.loopItems} items per loop)`;
  return m.split('\n')[0]!;
}
