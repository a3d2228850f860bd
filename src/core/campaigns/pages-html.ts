/**
 * The recipient pages as plain HTML: no script (they must work without JavaScript, and the CSP
 * allows none inline), one `<style>` element (the CSP allows inline styles), forms that POST to the
 * page's own URL (no `action`, so a proxy's path prefix is kept and `form-action 'self'` holds).
 * Every value that comes from a profile or a topic name goes through `escapeHtml`.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** `jane.doe@example.com` → `j•••@example.com`: enough for the owner to recognise, little for anyone who sees the screen. */
export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f6f4;color:#222}
main{max-width:32rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px}
h1{font-size:1.4rem;margin-top:0}button{font:inherit;padding:.5rem 1rem;margin:.25rem .5rem .25rem 0;cursor:pointer}
fieldset{border:1px solid #ddd;margin:1rem 0}label{display:block;margin:.25rem 0}.muted{color:#666;font-size:.9rem}`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>
`;
}

const who = (email: string | null): string => (email ? ` <strong>${escapeHtml(maskEmail(email)!)}</strong>` : '');

/**
 * "Unsubscribe j•••@example.com?": a GET shows this and changes nothing (link scanners fetch
 * GETs); the buttons POST. With a topic, one button for the topic and one for everything.
 */
export function unsubscribePage(v: { email: string | null; topic: string | null; preferencesPath: string }): string {
  const topicForm = v.topic
    ? `<form method="post"><input type="hidden" name="action" value="topic"><input type="hidden" name="topic" value="${escapeHtml(v.topic)}">
<button type="submit">Unsubscribe from ${escapeHtml(v.topic)} emails</button></form>`
    : '';
  return layout('Unsubscribe', `<h1>Unsubscribe${who(v.email)}?</h1>
<p>You will no longer receive marketing email from us${v.email ? ' at this address' : ''}.</p>
${topicForm}<form method="post"><input type="hidden" name="action" value="all"><button type="submit">Unsubscribe from all marketing email</button></form>
<p class="muted"><a href="${escapeHtml(v.preferencesPath)}">Choose which emails you get instead</a></p>`);
}

export interface TopicChoice { name: string; subscribed: boolean }

/** Each topic with a checkbox, marketing mail as a whole, and "unsubscribe from all". */
export function preferencesPage(v: { email: string | null; marketing: boolean; topics: readonly TopicChoice[]; saved?: boolean }): string {
  const checked = (on: boolean) => (on ? ' checked' : '');
  const topics = v.topics.map((t) => `<label><input type="checkbox" name="topic" value="${escapeHtml(t.name)}"${checked(t.subscribed)}> ${escapeHtml(t.name)}</label>
<input type="hidden" name="shown" value="${escapeHtml(t.name)}">`).join('\n');
  return layout('Email preferences', `<h1>Email preferences${v.email ? ` for${who(v.email)}` : ''}</h1>
${v.saved ? '<p><strong>Your preferences are saved.</strong></p>' : ''}
<form method="post"><input type="hidden" name="action" value="save">
<label><input type="checkbox" name="email_marketing" value="yes"${checked(v.marketing)}> Marketing email from us</label>
${topics ? `<fieldset><legend>Topics</legend>\n${topics}\n</fieldset>` : ''}
<button type="submit">Save preferences</button></form>
<form method="post"><input type="hidden" name="action" value="all"><button type="submit">Unsubscribe from all</button></form>`);
}

/** After a POST from the page: what changed, and the way back. */
export function unsubscribedPage(v: { email: string | null; topic: string | null; preferencesPath: string | null }): string {
  const what = v.topic ? `from ${escapeHtml(v.topic)} emails` : 'from all marketing email';
  return layout('Unsubscribed', `<h1>You are unsubscribed</h1>
<p>${v.email ? `${who(v.email).trim()} is` : 'You are'} unsubscribed ${what}. It may take a few minutes for messages already on their way.</p>
${v.preferencesPath ? `<p class="muted"><a href="${escapeHtml(v.preferencesPath)}">Changed your mind? Manage your preferences</a></p>` : ''}`);
}

/** A link that is broken, tampered with or no longer leads anywhere. */
export function errorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
