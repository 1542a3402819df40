const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

// Asking ICU costs microseconds a call, and every delivery's candidate is checked: each code is asked once.
const known = new Map<string, boolean>();

/** Whether a code is an ISO 3166-1 alpha-2 country (upper case). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  let answer = known.get(code);
  if (answer === undefined) {
    answer = regionNames.of(code) !== code;
    known.set(code, answer);
  }
  return answer;
}

/** The English name of a country code, e.g. "BE" → "Belgium". */
export function countryName(code: string): string {
  return regionNames.of(code) ?? code;
}
