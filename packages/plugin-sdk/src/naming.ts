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

/** Whether a plugin's own field name carries its prefix: `leForemThing`, or a verb then the prefix (`setLeForemThing`). */
export function carriesPrefix(fieldName: string, pluginId: string): boolean {
  return (
    fieldName.startsWith(camelCase(pluginId)) ||
    new RegExp(`^[a-z]+${pascalCase(pluginId)}(?:[A-Z0-9]|$)`).test(fieldName)
  );
}

/** The GraphQL names a plugin's `extendSchema` adds: its fields, and for each the input, result and payload types. */
export function extensionNames(fieldNames: readonly string[]): string[] {
  return fieldNames.flatMap((field) => {
    const type = field.charAt(0).toUpperCase() + field.slice(1);
    return [field, `${type}Input`, `${type}Result`, `${type}Payload`];
  });
}
