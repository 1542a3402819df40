/** Le Forem's contract types. */
export const CONTRACT_TYPES = {
  CDI: 'Contrat à durée indéterminée',
  CDD: 'Contrat à durée déterminée',
  INTERIM: 'Intérim',
  REMPLACEMENT: 'Contrat de remplacement',
  ETUDIANT: 'Job étudiant',
  STAGE: 'Stage',
  INDEPENDANT: 'Indépendant',
} as const;

/** Working regimes. */
export const WORKING_REGIMES = {
  TEMPS_PLEIN: 'Temps plein',
  TEMPS_PARTIEL: 'Temps partiel',
  HORAIRE_VARIABLE: 'Horaire variable',
} as const;

/** Le Forem's job categories (its fixed code list). */
export const CATEGORIES = {
  ADM: 'Administration, secrétariat',
  AGR: 'Agriculture, horticulture, environnement',
  ART: 'Arts, spectacle, médias',
  BAT: 'Construction, bâtiment',
  COM: 'Commerce, vente',
  ENS: 'Enseignement, formation',
  FIN: 'Finance, comptabilité, assurances',
  HOR: 'Horeca, tourisme',
  IND: 'Industrie, production',
  INF: 'Informatique, télécommunications',
  JUR: 'Juridique',
  LOG: 'Transport, logistique',
  MAI: 'Maintenance, réparation',
  NET: 'Nettoyage, entretien',
  RH: 'Ressources humaines',
  SAN: 'Santé, soins',
  SEC: 'Sécurité, surveillance',
  SOC: 'Social, aide aux personnes',
  TEC: 'Techniciens, ingénieurs',
} as const;

/** Belgian regions, as Le Forem codes them. */
export const REGIONS = { WAL: 'Wallonie', BRU: 'Bruxelles-Capitale', VLA: 'Flandre' } as const;
export type Region = keyof typeof REGIONS;

/** The region of a Belgian postal code (1000–9999), from the national numbering by province. */
export function regionOfPostalCode(postalCode: string): Region | undefined {
  const code = Number(postalCode);
  if (!/^[1-9][0-9]{3}$/.test(postalCode)) return undefined;
  if (code < 1300) return 'BRU';
  if (code < 1500) return 'WAL'; // Brabant wallon
  if (code < 4000) return 'VLA'; // Vlaams-Brabant, Antwerpen, Limburg
  if (code < 8000) return 'WAL'; // Liège, Namur, Hainaut, Luxembourg
  return 'VLA'; // West- en Oost-Vlaanderen
}
