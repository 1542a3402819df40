const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** Whether a code is an ISO 3166-1 alpha-2 country (upper case). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && regionNames.of(code) !== code;
}

/** The English name of a country code, e.g. "BE" → "Belgium". */
export function countryName(code: string): string {
  return regionNames.of(code) ?? code;
}
