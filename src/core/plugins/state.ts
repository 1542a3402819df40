import { z } from 'zod';
import type { Prisma, PrismaClient } from '../../db/database.ts';
import type { PluginState, StateValue } from '@multiposting/plugin-sdk';

const stateKey = z.string().min(1).max(200);

/** A plugin's key-value state in one organisation, in the `plugin_state` table. */
export function pluginState(prisma: PrismaClient, pluginId: string, organizationId: string): PluginState {
  const where = (key: string) => ({
    organizationId_pluginId_key: { organizationId, pluginId, key: stateKey.parse(key) },
  });
  return {
    async get(key) {
      const row = await prisma.pluginState.findUnique({ where: where(key) });
      return row ? (row.value as StateValue) : undefined;
    },
    async set(key, value) {
      const json = value as Prisma.InputJsonValue;
      await prisma.pluginState.upsert({
        where: where(key),
        create: { organizationId, pluginId, key, value: json },
        update: { value: json },
      });
    },
    async delete(key) {
      await prisma.pluginState.deleteMany({ where: { organizationId, pluginId, key } });
    },
    async list(prefix) {
      const rows = await prisma.pluginState.findMany({
        where: { organizationId, pluginId, key: { startsWith: prefix } },
        orderBy: { key: 'asc' },
      });
      return rows.map((row) => ({ key: row.key, value: row.value as StateValue, updatedAt: row.updatedAt }));
    },
  };
}
