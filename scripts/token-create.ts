// npm run --silent token:create -- --org <slug> [--role ADMIN|RECRUITER] [--email <e-mail>] [--name <token name>]
// Creates the organisation and the user when needed and prints only the new token (everything else goes to stderr).
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runCli } from '../src/cli.ts';
import { loadConfig } from '../src/config.ts';
import { issueBootstrapToken } from '../src/core/organizations.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';

const argsSchema = z.object({
  org: z.string({ error: '--org <slug> is required' }),
  role: z.enum(['ADMIN', 'RECRUITER'], { error: '--role takes ADMIN or RECRUITER' }).default('ADMIN'),
  email: z.email({ error: '--email takes an e-mail address' }).optional(),
  name: z.string().min(1).default('Command-line token'),
});

await runCli(async () => {
  const { values } = parseArgs({
    options: { org: { type: 'string' }, role: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' } },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) throw new TypeError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const args = parsed.data;
  const db = await openDatabase(loadConfig());
  try {
    await migrate(db.sql);
    const { token, organization, user } = await issueBootstrapToken(db.prisma, {
      slug: args.org,
      role: args.role,
      tokenName: args.name,
      ...(args.email ? { email: args.email.toLowerCase() } : {}),
    });
    console.error(`Token for ${user.email} (${user.role}) in organisation "${organization.slug}":`);
    console.log(token);
  } finally {
    await db.close();
  }
});
