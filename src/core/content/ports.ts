import type { BlockSource } from './blocks.ts';
import type { CompiledTemplate } from './compile.ts';

export interface TemplateRecord {
  id: string;
  name: string;
  kind: 'marketing' | 'transactional';
  description: string | null;
  /** Whether messages made from it are tracked (opens and clicks). */
  tracking: boolean;
  /** The current version. */
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface TemplateVersion {
  templateId: string;
  version: number;
  subject: string;
  preheader: string;
  body: string;
  format: 'mjml' | 'html';
  compiled: CompiledTemplate;
  createdAt: number;
}

export interface BlockRecord extends BlockSource { description: string | null; updatedAt: number }

/** What the template service needs from storage (src/store/content/template-store.ts). */
export interface TemplateStore {
  list(): Promise<TemplateRecord[]>;
  find(idOrName: string): Promise<TemplateRecord | null>;
  /** Saves the record and adds the version, in one transaction; a taken name is a conflict. */
  save(t: TemplateRecord, v: TemplateVersion | null): Promise<void>;
  version(templateId: string, version: number): Promise<TemplateVersion | null>;
  versions(templateId: string): Promise<{ version: number; createdAt: number }[]>;
  remove(id: string): Promise<void>;
  blocks(): Promise<BlockRecord[]>;
  saveBlock(b: BlockRecord): Promise<void>;
  removeBlock(name: string): Promise<void>;
  /** Share of live profiles that have each trait key (0–1). */
  traitCoverage(keys: readonly string[]): Promise<Map<string, number>>;
}
