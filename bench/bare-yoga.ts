// The baseline of bench/server-overhead.ts: a bare graphql-yoga server with the same field, nothing else (no
// authentication, limits, logging or metrics). Prints "Listening on <port>".
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({
  schema: createSchema({
    typeDefs: 'enum TokenScope { READ WRITE } type Viewer { scopes: [TokenScope!]! } type Query { viewer: Viewer! }',
    resolvers: { Query: { viewer: () => ({ scopes: ['READ', 'WRITE'] }) } },
  }),
  graphiql: false,
  logging: false,
});
const server = createServer(yoga).listen(Number(process.env.PORT), '127.0.0.1', () =>
  console.log(`Listening on ${process.env.PORT}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
