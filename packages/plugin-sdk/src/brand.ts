/**
 * `instanceof` that holds across copies of this SDK. A plugin installed on its own may bring its own copy of the
 * package, and the server checks the errors it throws with the server's copy: a plain prototype check would say
 * no. Each branded class marks its instances with a registered symbol, which is the same in every copy.
 */
export function brand(name: string): { mark(instance: object): void; hasInstance(value: unknown): boolean } {
  const key = Symbol.for(`@multiposting/plugin-sdk:${name}`);
  return {
    mark(instance) {
      Object.defineProperty(instance, key, { value: true });
    },
    hasInstance(value) {
      return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[key] === true;
    },
  };
}
