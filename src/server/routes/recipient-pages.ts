import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorPage, preferencesPage, unsubscribedPage, unsubscribePage } from '../../core/campaigns/pages-html.ts';
import type { PageForm, RecipientPages } from '../../core/campaigns/recipient-pages.ts';
import { isTailorError } from '../../core/errors.ts';
import { errorBody, STATUS } from '../error-map.ts';

export type RecipientPagesService = Pick<RecipientPages, 'page' | 'submit' | 'view'>;

/** A form is a few short fields; one-click bodies are 26 bytes. */
const FORM_BODY_LIMIT = 16 * 1024;
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

type Fields = Map<string, string[]>;

/** Form fields of a urlencoded or multipart body, through the WHATWG parser Node ships (undici). An unreadable body has no fields. */
async function formFields(contentType: string | undefined, body: Buffer): Promise<Fields> {
  const out: Fields = new Map();
  if (!body.length) return out;
  let data: FormData;
  try {
    data = await new Response(body, { headers: { 'content-type': contentType ?? 'application/x-www-form-urlencoded' } }).formData();
  } catch {
    return out;
  }
  for (const [k, v] of data) {
    if (typeof v !== 'string') continue;
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}

/** The fields of whatever body came: a form (parsed above), a JSON object (the app's parser), or none. */
function fieldsOf(body: unknown): Fields {
  if (body instanceof Map) return body as Fields;
  const out: Fields = new Map();
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body)) {
      const list = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
      if (list.length) out.set(k, list);
    }
  }
  return out;
}

function pageForm(f: Fields): PageForm {
  const one = (k: string) => f.get(k)?.[0];
  return {
    oneClick: one('List-Unsubscribe') === 'One-Click',
    action: one('action'),
    topic: one('topic'),
    checked: f.get('topic') ?? [],
    shown: f.get('shown') ?? [],
    marketing: f.has('email_marketing'),
  };
}

/**
 * Public recipient pages (DESIGN.md): `GET|POST /u/:token` (unsubscribe, RFC 8058 one-click, and
 * preferences) and `GET /v/:token` (view in browser). No key (the signed token is the
 * authority), rate-limited per IP address like every public route (request-guards.ts). A GET never
 * changes anything. A POST answers 200 at once: no redirect and no cookie (RFC 8058 §3.2).
 */
export function recipientPagesRoutes(app: FastifyInstance, svc: RecipientPagesService): void {
  void app.register(async (scope) => {
    // Mailbox providers POST `List-Unsubscribe=One-Click` urlencoded or as multipart; only these
    // routes read forms. text/plain is read as a form here too (the app reads it as JSON elsewhere).
    scope.removeContentTypeParser('text/plain');
    scope.addContentTypeParser([...FORM_TYPES, 'text/plain'], { parseAs: 'buffer', bodyLimit: FORM_BODY_LIMIT },
      async (req: FastifyRequest, body: Buffer) => formFields(
        String(req.headers['content-type']).startsWith('text/plain') ? 'application/x-www-form-urlencoded' : req.headers['content-type'], body));

    const config = { config: { auth: 'none' as const } };
    const token = (req: FastifyRequest) => (req.params as { token: string }).token;

    scope.get('/u/:token', config, async (req, reply) => {
      try {
        const p = await svc.page(token(req));
        return html(reply, 200, p.kind === 'unsubscribe'
          ? unsubscribePage({ email: p.email, topic: p.topic, preferencesPath: p.preferencesToken })
          : preferencesPage(p));
      } catch (e) {
        return failure(reply, e, true);
      }
    });

    scope.post('/u/:token', config, async (req, reply) => {
      const form = pageForm(fieldsOf(req.body));
      try {
        const r = await svc.submit(token(req), form);
        if (form.oneClick) return privateReply(reply).status(200).type('text/plain; charset=utf-8').send(r.kind === 'gone' ? 'Nothing to unsubscribe.\n' : 'Unsubscribed.\n');
        if (r.kind === 'saved') return html(reply, 200, preferencesPage({ ...r.page, saved: true }));
        if (r.kind === 'gone') return html(reply, 200, unsubscribedPage({ email: null, topic: null, preferencesPath: null }));
        return html(reply, 200, unsubscribedPage({ email: r.email, topic: r.topic, preferencesPath: r.preferencesToken }));
      } catch (e) {
        // A browser's form gets a page; anything else the API's error shape.
        return failure(reply, e, /text\/html/.test(req.headers.accept ?? ''));
      }
    });

    scope.get('/v/:token', config, async (req, reply) => {
      try {
        const m = await svc.view(token(req));
        // The message's own HTML: its images and styles may come from anywhere, scripts from nowhere.
        void reply.header('content-security-policy',
          "default-src 'none'; img-src * data:; style-src * 'unsafe-inline'; font-src * data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        return html(reply, 200, m.html);
      } catch (e) {
        return failure(reply, e, true);
      }
    });
  });
}

/** These pages are about one person: no cache keeps them, no search engine lists them. */
function privateReply(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex, nofollow');
}

function html(reply: FastifyReply, status: number, body: string) {
  return privateReply(reply).status(status).type('text/html; charset=utf-8').send(body);
}

const TITLES: Record<number, string> = { 400: 'This link is not valid', 404: 'Not found' };

/** An expected failure as a page (browsers) or as the API's error body; anything else goes to the app's handler. */
function failure(reply: FastifyReply, e: unknown, asPage: boolean) {
  if (!isTailorError(e)) throw e;
  const status = STATUS[e.code];
  if (asPage) return html(reply, status, errorPage(TITLES[status] ?? 'Something went wrong', e.message));
  return privateReply(reply).status(status).send(errorBody(e.code, e.message, e.field));
}
