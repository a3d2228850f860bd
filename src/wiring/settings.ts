import { randomBytes } from 'node:crypto';
import { TailorError } from '../core/errors.ts';
import type { SettingsPort } from '../core/segments/catch-up-mark.ts';
import { getSetting, setSetting, setSettingOnce } from '../store/system/settings-store.ts';
import type { Base } from './base.ts';

export interface Keys { writeKey: string; adminKey: string; generated: boolean }

/** Settings kept in the store: the API keys, the link secret, the real-time catch-up point. */
export function wireSettings(b: Base) {
  const settings: SettingsPort = { get: (k) => getSetting(b.db, k), set: (k, v) => setSetting(b.db, k, v) };
  // TAILOR_SECRET signs recipient links; without it, one is generated once and kept in the store.
  let linkSecret: Promise<string> | undefined;
  const secret = () => (linkSecret ??= b.config.secret
    ? Promise.resolve(b.config.secret)
    : getSetting(b.db, LINK_SECRET).then((v) => v ?? setSettingOnce(b.db, LINK_SECRET, randomBytes(32).toString('base64url'))));

  /** Keys from config, or else from the store; generated and stored on first run when neither has them. */
  const keys = async (): Promise<Keys> => {
    let generated = false;
    const pick = async (configured: string | undefined, name: string, prefix: string) => {
      if (configured) return configured;
      const stored = await getSetting(b.db, name);
      if (stored) return stored;
      generated = true;
      return setSettingOnce(b.db, name, `${prefix}_${randomBytes(18).toString('base64url')}`);
    };
    const writeKey = await pick(b.config.writeKey, 'write_key', 'wk');
    const adminKey = await pick(b.config.adminKey, 'admin_key', 'ak');
    // The config refuses two equal keys; this catches one configured key equal to the other's stored value.
    if (writeKey === adminKey) throw new TailorError('invalid_config', 'the write key must differ from the admin key (TAILOR_WRITE_KEY, TAILOR_ADMIN_KEY)', 'writeKey');
    return { writeKey, adminKey, generated };
  };
  return { settings, secret, keys };
}

const LINK_SECRET = 'link_secret';
