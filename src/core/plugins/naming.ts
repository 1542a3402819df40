/** "le-forem" → "LeForem": the prefix of every GraphQL name a plugin brings. */
export function pascalCase(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** "le-forem" → "leForem": the prefix of a plugin's GraphQL fields. */
export function camelCase(id: string): string {
  const pascal = pascalCase(id);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/** The GraphQL names the core generates for a plugin. */
export function generatedNames(id: string) {
  const prefix = pascalCase(id);
  return {
    prefix,
    credentialsInput: `${prefix}CredentialsInput`,
    connectInput: `Connect${prefix}Input`,
    environmentEnum: `${prefix}Environment`,
    connectMutation: `connect${prefix}`,
    reviewedType: `${prefix}PostingReviewed`,
    reviewedSubscription: `${camelCase(id)}PostingReviewed`,
  };
}
