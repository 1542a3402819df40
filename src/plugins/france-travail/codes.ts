// France Travail's codes, and the French identifiers its offers carry.

/** Contract types (Offres d'emploi v2 referential `typesContrats`), and whether each has a fixed duration. */
export const CONTRACT_TYPES = {
  CDI: { label: 'Contrat à durée indéterminée', fixedTerm: false },
  CDD: { label: 'Contrat à durée déterminée', fixedTerm: true },
  MIS: { label: 'Mission intérimaire', fixedTerm: true },
  SAI: { label: 'Contrat travail saisonnier', fixedTerm: true },
  LIB: { label: 'Profession libérale', fixedTerm: false },
  FRA: { label: 'Franchise', fixedTerm: false },
  DIN: { label: 'CDI intérimaire', fixedTerm: false },
  TTI: { label: "Contrat de travail temporaire d'insertion", fixedTerm: true },
  DDI: { label: "CDD d'insertion", fixedTerm: true },
  CCE: { label: 'Profession commerciale', fixedTerm: false },
  REP: { label: "Reprise d'entreprise", fixedTerm: false },
  DDT: { label: 'CDD tremplin', fixedTerm: true },
} as const;

export type ContractType = keyof typeof CONTRACT_TYPES;

/** The longest duration, in months, French law allows for some fixed-term contracts (renewals included). */
export const MAX_DURATION_MONTHS: Partial<Record<ContractType, number>> = { CDD: 36, MIS: 18 };

/**
 * Contract natures (referential `naturesContrats`): the three public traces show. The referential has 19; add the
 * others from `GET /referentiel/naturesContrats` when needed.
 */
export const CONTRACT_NATURES = {
  E1: 'Contrat travail',
  E2: 'Contrat apprentissage',
  FS: 'Contrat de professionnalisation',
} as const;

/** Natures that make the offer a work-study one (`alternance`). */
export const WORK_STUDY_NATURES = new Set(['E2', 'FS']);

/** Experience (experienceExige): D a beginner is accepted, S experience is wished, E it is required. */
export const EXPERIENCE_LEVELS = {
  D: 'Débutant accepté',
  S: 'Expérience souhaitée',
  E: 'Expérience exigée',
} as const;

/** Qualification levels (qualificationCode). */
export const QUALIFICATIONS = {
  '1': 'Manœuvre',
  '2': 'Ouvrier spécialisé',
  '3': 'Ouvrier qualifié (P1, P2)',
  '4': 'Ouvrier qualifié (P3, P4, OHQ)',
  '5': 'Employé non qualifié',
  '6': 'Employé qualifié',
  '7': 'Technicien',
  '8': 'Agent de maîtrise',
  '9': 'Cadre',
} as const;

/**
 * An INSEE commune code: the département (01–95 but 20, 2A/2B for Corsica, 971–976 overseas) and the commune's
 * number. It is not the postal code (Paris is 75056, not 75001).
 */
export function isInseeCommuneCode(code: string): boolean {
  if (/^2[AB][0-9]{3}$/.test(code)) return true;
  if (/^97[1-6][0-9]{2}$/.test(code)) return true;
  if (!/^[0-9]{5}$/.test(code)) return false;
  const departement = Number(code.slice(0, 2));
  return departement >= 1 && departement <= 95 && departement !== 20;
}

/** The communes of France's largest cities, so a job in one of them needs no commune code typed in. */
export const CITY_COMMUNES: Record<string, string> = {
  paris: '75056',
  marseille: '13055',
  lyon: '69123',
  toulouse: '31555',
  nice: '06088',
  nantes: '44109',
  strasbourg: '67482',
  montpellier: '34172',
  bordeaux: '33063',
  lille: '59350',
};

const luhn = (value: string) =>
  [...value].reverse().reduce((sum, character, index) => {
    const doubled = index % 2 === 1 ? Number(character) * 2 : Number(character);
    return sum + (doubled > 9 ? doubled - 9 : doubled);
  }, 0) %
    10 ===
  0;

/** SIREN of La Poste, whose establishments are numbered by their own rule (the sum of the digits is a multiple of 5). */
const LA_POSTE = '356000000';

/**
 * What is wrong with a SIRET, or null when it is valid: 14 digits whose Luhn sum is a multiple of 10. La Poste's
 * establishments may follow their own rule instead (its head office, 35600000000048, follows Luhn).
 */
export function siretProblem(value: string): string | null {
  if (!/^[0-9]{14}$/.test(value)) return 'must be 14 digits, without spaces';
  if (luhn(value)) return null;
  if (!value.startsWith(LA_POSTE)) return 'is not a valid SIRET: its check digit is wrong (Luhn)';
  const digitSum = [...value].reduce((sum, digit) => sum + Number(digit), 0);
  return digitSum % 5 === 0
    ? null
    : "is not a valid SIRET of La Poste: neither the Luhn check nor La Poste's digit-sum rule holds";
}

export const isSiret = (value: string): boolean => siretProblem(value) === null;
