import { defineOperation, ExtensionInputError, nodeId, z, type PluginState } from '@multiposting/plugin-sdk';

/** State keys of the per-user IGB e-mail addresses: `userEmail:<user id>`. */
const KEY_PREFIX = 'userEmail:';

/** Every user's IGB e-mail in the organisation, by user id. */
export async function userEmails(state: PluginState): Promise<Map<string, string>> {
  const entries = await state.list(KEY_PREFIX);
  return new Map(entries.map((entry) => [entry.key.slice(KEY_PREFIX.length), String(entry.value)]));
}

const userEmail = z.object({ userId: nodeId('User'), email: z.string() });

export const setUserEmail = defineOperation({
  description:
    'Sets or clears the IGB e-mail of a user: admins for any user of the organisation, others for themselves',
  access: 'member',
  args: z.object({
    userId: nodeId('User').optional().describe('The user; yourself when omitted.'),
    email: z.email('must be an e-mail address').max(254).nullable().describe('The IGB e-mail; null clears it.'),
  }),
  result: userEmail.extend({ email: z.string().nullable() }),
  async resolve(context, args) {
    const userId = args.userId ?? context.viewer.id;
    if (userId !== context.viewer.id && context.viewer.role !== 'ADMIN') {
      throw new ExtensionInputError(['userId'], "only an admin can set another user's IGB e-mail");
    }
    if (!(await context.users.find(userId)))
      throw new ExtensionInputError(['userId'], 'is not a user of this organisation');
    const key = `${KEY_PREFIX}${userId}`;
    if (args.email === null) await context.state.delete(key);
    else await context.state.set(key, args.email.toLowerCase());
    return { userId, email: args.email?.toLowerCase() ?? null };
  },
});

export const listUserEmails = defineOperation({
  description: "The IGB e-mail addresses set: every user's for admins, your own for others",
  access: 'member',
  args: z.object({}),
  result: z.object({ emails: z.array(userEmail) }),
  async resolve(context) {
    const emails = [...(await userEmails(context.state))].map(([userId, email]) => ({ userId, email }));
    return {
      emails: context.viewer.role === 'ADMIN' ? emails : emails.filter((entry) => entry.userId === context.viewer.id),
    };
  },
});
