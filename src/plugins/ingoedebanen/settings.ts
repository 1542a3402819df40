import type { CredentialValue } from '@multiposting/plugin-sdk';

/** The contract's settings block, as the connect form stores it (InGoedeBanen has no secrets). */
export interface IgbSettings {
  email: string;
  clientId: string;
  publicationMode: 'OWN_WEBSITE' | 'DEDICATED_MEDIUM';
  defaultPhase: string;
  defaultSource: string;
  applyUrlTemplate?: string;
}

/** Carerix medium codes: the dedicated IGB medium, and the customer's own website. */
export const MEDIUM_CODE = 'IGB';
export const WEBSITE_MEDIUM_CODE = 'WEBSITE';
export const DEFAULT_PHASE = 'Extern';
export const DEFAULT_SOURCE = 'InGoedeBanen';

export function settingsOf(credentials: Readonly<Record<string, CredentialValue | undefined>>): IgbSettings {
  return {
    email: String(credentials.email),
    clientId: String(credentials.clientId),
    publicationMode: credentials.publicationMode === 'DEDICATED_MEDIUM' ? 'DEDICATED_MEDIUM' : 'OWN_WEBSITE',
    defaultPhase: credentials.defaultPhase ? String(credentials.defaultPhase) : DEFAULT_PHASE,
    defaultSource: credentials.defaultSource ? String(credentials.defaultSource) : DEFAULT_SOURCE,
    ...(credentials.applyUrlTemplate ? { applyUrlTemplate: String(credentials.applyUrlTemplate) } : {}),
  };
}

/** The apply link of a vacancy: the organisation's own page from the template, else the page the API hosts. */
export function applyUrl(settings: IgbSettings, item: { job: { id: string }; applicationPageUrl: string }): string {
  return settings.applyUrlTemplate
    ? settings.applyUrlTemplate.replaceAll('{jobId}', encodeURIComponent(item.job.id))
    : item.applicationPageUrl;
}
