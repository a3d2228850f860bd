import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { tempDir, tempSqlite } from '../helpers/databases.ts';
import { tailorCli } from '../helpers/cli.ts';
import { msg, openTailor } from '../helpers/tailor.ts';

type Failure = { code: number; stdout: string; stderr: string };
const tailor = (db: string, ...args: string[]) => tailorCli(['--db', db, 'template', ...args]);
const failing = async (db: string, ...args: string[]): Promise<Failure> => {
  const e = await tailor(db, ...args).then(() => null, (x: Failure) => x);
  expect(e, `expected 'tailor template ${args.join(' ')}' to fail`).not.toBeNull();
  return e!;
};

const HEADER = '<mj-section><mj-column><mj-text>Hello {{ profile.first_name | default: "there" }}!</mj-text></mj-column></mj-section>';
const WELCOME = [
  '<mjml><mj-body>',
  "{% render 'header' %}",
  '{% if profile.vip %}<mj-section><mj-column><mj-text>VIP lounge is open</mj-text></mj-column></mj-section>{% endif %}',
  "<mj-section><mj-column><mj-text>{% render 'sig' %} <a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></mj-text></mj-column></mj-section>",
  '</mj-body></mjml>',
].join('\n');
const SIG = 'Cheers, the team';
const SUBJECT = 'Welcome, {{ profile.first_name | default: "friend" }}';
const profiles = () => [
  msg({ type: 'identify', userId: 'ana', traits: { email: 'ana@example.com', first_name: 'Ana <B>', vip: true } }),
  msg({ type: 'identify', userId: 'bob', traits: { email: 'bob@example.com', vip: false } }),
];

const write = (dir: string, name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const UNSUB = /http:\/\/localhost:3000\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

describe('tailor template', () => {
  it('block set, create, render (--text, --json) and lint (exit 1 on errors)', async () => {
    const dir = tempDir();
    const db = tempSqlite();
    const t = await openTailor(db);
    await t.ingest(profiles());
    // A marketing template with no unsubscribe link, for lint's exit code.
    await t.templates.create({ name: 'bare', subject: 'S', body: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>' });
    await t.close();

    expect((await tailor(db, 'block', 'set', 'header', '--file', write(dir, 'header.mjml', HEADER), '--description', 'greeting')).stdout).toBe('saved block header\n');
    const sig = JSON.parse((await tailor(db, 'block', 'set', 'sig', '--kind', 'liquid', '--file', write(dir, 'sig.liquid', SIG), '--json')).stdout);
    expect(sig).toMatchObject({ name: 'sig', kind: 'liquid', body: SIG, recompiled: [] });

    const created = await tailor(db, 'create', 'welcome', '--body', write(dir, 'welcome.mjml', WELCOME), '--subject', SUBJECT, '--preheader', 'Hi');
    expect(created.stdout).toMatch(/^created welcome version 1 \(MJML compiled in \d+ ms\)\n$/);
    const plain = await tailor(db, 'create', 'plain', '--format', 'html', '--kind', 'transactional', '--subject', 'S',
      '--body', write(dir, 'plain.html', '<html><head><style>p { color: red }</style></head><body><p>Hi</p></body></html>'));
    expect(plain.stdout).toMatch(/^created plain version 1 \(HTML kept as written, CSS inlined in \d+ ms\)\n$/);

    const [text, bob, lintOk, lintBad] = await Promise.all([
      tailor(db, 'render', 'welcome', '--profile', 'ana', '--text'),
      tailor(db, 'render', 'welcome', '--profile', 'bob@example.com', '--json'),
      tailor(db, 'lint', 'welcome'),
      failing(db, 'lint', 'bare', '--json'),
    ]);
    // The text part is not HTML: the trait is printed as it is.
    expect(text.stdout).toContain('Hello Ana <B>!');
    expect(text.stdout).toContain('VIP lounge is open');
    expect(text.stdout).toMatch(new RegExp(`Cheers, the team Unsubscribe \\[${UNSUB.source}\\]`));
    expect(text.stdout).not.toMatch(/<mj|\{\{|\{%/);
    const b = JSON.parse(bob.stdout);
    expect(b).toMatchObject({ ok: true, subject: 'Welcome, friend', preheader: 'Hi', template: 'welcome', version: 1 });
    expect(b.html).toContain('Hello there!');
    expect(b.html).not.toContain('VIP');
    expect(b.html).toMatch(new RegExp(`href="${UNSUB.source}"`));
    // A different recipient, a different signed link.
    expect(b.text.match(UNSUB)![0]).not.toBe(text.stdout.match(UNSUB)![0]);
    expect(lintOk.stdout).toBe('welcome version 1: no issues\n');
    expect(lintBad.code).toBe(1);
    expect(JSON.parse(lintBad.stdout)).toEqual({ template: 'bare', version: 1, issues: [{ rule: 'no-unsubscribe', severity: 'error', message: expect.stringContaining('unsubscribe_url') }] });
    expect(lintBad.stderr).toBe('');
  }, 120_000);

  it('import --from handlebars renders as Handlebars would; export --out, then import --from tailor renders the same', async () => {
    const dir = tempDir();
    const db = tempSqlite();
    const t = await openTailor(db);
    await t.ingest(profiles());
    await t.templates.setBlock({ name: 'header', kind: 'mjml', body: HEADER });
    await t.templates.setBlock({ name: 'sig', kind: 'liquid', body: SIG });
    await t.templates.create({ name: 'welcome', subject: SUBJECT, preheader: 'Hi', body: WELCOME });
    await t.close();

    const hbSource = '{{#if profile.first_name}}<p>Hi {{profile.first_name}}</p>{{else}}<p>Hi you</p>{{/if}}\n{{! a comment }}<p>{{{profile.email}}}</p>';
    const imported = await tailor(db, 'import', 'hb', '--from', 'handlebars', '--file', write(dir, 'hb.html', hbSource), '--kind', 'transactional');
    expect(imported.stdout).toBe('imported hb from handlebars (version 1)\neverything was converted\n');
    const exportFile = path.join(dir, 'welcome.json');
    const [hbAna, exported] = await Promise.all([
      tailor(db, 'render', 'hb', '--profile', 'ana', '--html'),
      tailor(db, 'export', 'welcome', '--out', exportFile),
    ]);
    const reference = Handlebars.compile(hbSource);
    expect(hbAna.stdout).toBe(`${reference({ profile: { first_name: 'Ana <B>', email: 'ana@example.com' } })}\n`);
    expect(hbAna.stdout).toBe('<p>Hi Ana &lt;B&gt;</p>\n<p>ana@example.com</p>\n');
    expect(exported.stdout).toBe('');

    const doc = JSON.parse(readFileSync(exportFile, 'utf8'));
    expect(doc).toMatchObject({ tailorTemplate: 1, name: 'welcome', kind: 'marketing', body: WELCOME, subject: SUBJECT, preheader: 'Hi', format: 'mjml' });
    expect(doc.blocks).toEqual(expect.arrayContaining([
      { name: 'header', kind: 'mjml', description: null, body: HEADER }, { name: 'sig', kind: 'liquid', description: null, body: SIG },
    ]));
    // The export of a template without a description has `description: null`, and import takes
    // the file exactly as exported (this once failed; the null path is what is exercised here).
    expect(doc.description).toBeNull();
    expect((await tailor(db, 'import', 'copy', '--from', 'tailor', '--file', exportFile)).stdout).toBe('imported copy from tailor (version 1)\neverything was converted\n');
    const copyDoc = path.join(dir, 'copy.json');
    await tailor(db, 'export', 'copy', '--out', copyDoc);
    expect(JSON.parse(readFileSync(copyDoc, 'utf8'))).toMatchObject({ name: 'copy', description: null, body: WELCOME, subject: SUBJECT });
    const [copy, original] = await Promise.all([
      tailor(db, 'render', 'copy', '--profile', 'ana', '--json'),
      tailor(db, 'render', 'welcome', '--profile', 'ana', '--json'),
    ]);
    const a = JSON.parse(original.stdout);
    const c = JSON.parse(copy.stdout);
    expect(c).toMatchObject({ ok: true, template: 'copy', version: 1, subject: a.subject, preheader: a.preheader });
    // Links are signed with the template's id: all else is identical.
    const untokened = (s: string) => s.replace(new RegExp(UNSUB.source, 'g'), 'URL');
    expect(untokened(c.html)).toBe(untokened(a.html));
    expect(untokened(c.text)).toBe(untokened(a.text));
    expect(a.text).toContain('Hello Ana <B>!');
  }, 120_000);

  it('one-line errors and a non-zero exit: unknown template, unreadable --body, bad --version', async () => {
    const db = tempSqlite();
    const t = await openTailor(db);
    await t.ingest([msg({ type: 'identify', userId: 'ana', traits: { first_name: 'Ana' } })]);
    await t.templates.create({ name: 'hello', kind: 'transactional', subject: 'Hi {{ profile.first_name }}', body: '<mjml><mj-body><mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section></mj-body></mjml>' });
    await t.close();

    const [unknown, body, version, missingVersion] = await Promise.all([
      failing(db, 'render', 'nope', '--profile', 'ana'),
      failing(db, 'create', 'x', '--body', '/nonexistent/welcome.mjml', '--subject', 'S'),
      failing(db, 'render', 'hello', '--profile', 'ana', '--version', 'abc'),
      failing(db, 'show', 'hello', '--version', '7'),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("tailor: no template 'nope'\n");
    expect(body.code).toBe(2);
    expect(body.stderr).toBe('tailor: --body: cannot read /nonexistent/welcome.mjml (ENOENT)\n');
    expect(version.code).toBe(2);
    expect(version.stderr).toBe("tailor: --version must be a version number such as 3, not 'abc'\n");
    expect(missingVersion.code).toBe(2);
    expect(missingVersion.stderr).toBe("tailor: template 'hello' has no version 7\n");
    for (const e of [unknown, body, version, missingVersion]) expect(e.stdout).toBe('');
  }, 120_000);
});
