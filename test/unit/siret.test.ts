import { expect, test } from 'vitest';
import { isSiret, siretProblem } from '../../src/plugins/france-travail/codes.ts';

test("a SIRET passes Luhn; La Poste's establishments may pass its digit-sum rule instead, its head office passes Luhn", () => {
  expect(isSiret('73282932000074')).toBe(true);
  expect(isSiret('35600000000048')).toBe(true); // La Poste's head office: Luhn, not the digit-sum rule
  expect(isSiret('35600000049837')).toBe(true); // a La Poste establishment: digit sum 45
  expect(siretProblem('73282932000075')).toBe('is not a valid SIRET: its check digit is wrong (Luhn)');
  expect(siretProblem('35600000049838')).toMatch(/La Poste's digit-sum rule/);
  expect(siretProblem('3560000000004')).toBe('must be 14 digits, without spaces');
});
