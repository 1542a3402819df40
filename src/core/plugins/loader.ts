import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BoardPlugin } from '@multiposting/plugin-sdk';
import { extensionNames, generatedNames, PluginLoadError, validatePlugin } from '@multiposting/plugin-sdk/host';

export { PluginLoadError, validatePlugin };

/**
 * Where a BOARD_PLUGINS entry is: a path (relative to the working directory), or a package name resolved from the
 * working directory, where an operator installs plugins next to the server (then from the server's own packages).
 */
function resolveSpecifier(specifier: string): string {
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) return pathToFileURL(path.resolve(specifier)).href;
  try {
    return pathToFileURL(createRequire(path.join(process.cwd(), 'package.json')).resolve(specifier)).href;
  } catch {
    return specifier;
  }
}

let typeScriptLoader: Promise<unknown> | undefined;

/**
 * Imports a module; a plugin written in TypeScript and named by its source (`./my-board/plugin.ts`) is loaded
 * through tsx when the server itself runs as JavaScript (the build), which cannot import TypeScript alone.
 */
async function importModule(target: string): Promise<{ default?: unknown }> {
  try {
    return await import(target);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    typeScriptLoader ??= import('tsx/esm/api').then(({ register }) => register());
    await typeScriptLoader;
    // Another URL for the same file: the loader keeps the failed import of the first one.
    return import(`${target}${target.includes('?') ? '&' : '?'}typescript`);
  }
}

async function importPlugin(specifier: string): Promise<BoardPlugin> {
  const target = resolveSpecifier(specifier);
  let module: { default?: unknown };
  try {
    module = await importModule(target);
  } catch (error) {
    throw new PluginLoadError(`"${specifier}"`, `could not be imported: ${(error as Error).message}`);
  }
  if (!module.default)
    throw new PluginLoadError(
      `"${specifier}"`,
      'the module has no default export (export default definePlugin({...}))',
    );
  return validatePlugin(module.default, specifier);
}

/** The built-in plugins plus those named in BOARD_PLUGINS, validated, with unique ids and GraphQL names. */
export async function loadPlugins(builtIn: readonly BoardPlugin[], extra: readonly string[]): Promise<BoardPlugin[]> {
  const plugins = [
    ...builtIn.map((plugin) => validatePlugin(plugin, 'built-in')),
    ...(await Promise.all(extra.map((specifier) => importPlugin(specifier)))),
  ];
  const ids = new Set<string>();
  // GraphQL names are case-sensitive, but two plugins whose names differ only in case would confuse everyone.
  const names = new Map<string, string>();
  for (const plugin of plugins) {
    if (ids.has(plugin.id)) throw new PluginLoadError(`"${plugin.id}"`, `id: "${plugin.id}" is used by two plugins`);
    ids.add(plugin.id);
    const own = [
      ...Object.keys(plugin.extendSchema?.queries ?? {}),
      ...Object.keys(plugin.extendSchema?.mutations ?? {}),
    ];
    if (new Set(own).size !== own.length)
      throw new PluginLoadError(`"${plugin.id}"`, 'extendSchema: a query and a mutation have the same name');
    for (const name of [...Object.values(generatedNames(plugin.id)), ...extensionNames(own)]) {
      const owner = names.get(name.toLowerCase());
      if (owner && owner !== plugin.id)
        throw new PluginLoadError(`"${plugin.id}"`, `id: its GraphQL name ${name} collides with plugin "${owner}"`);
      names.set(name.toLowerCase(), plugin.id);
    }
  }
  return plugins;
}
