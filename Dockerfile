# syntax=docker/dockerfile:1
# The API and the worker in one image: `docker build -t multiposting-api .`
# Runs `npm start` (API) by default; the worker is the same image with `node --import tsx src/worker.ts`.

# 1. Production dependencies; postinstall builds the plugin SDK (packages/plugin-sdk, with TypeScript, a development
#    dependency, hence the full install before pruning) and generates the Prisma client offline (no engine download).
FROM node:20-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY packages ./packages
RUN npm ci && npm prune --omit=dev && npm cache clean --force

# 2. The console page, built with Vite (a development dependency).
FROM node:20-bookworm-slim AS console
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY packages ./packages
RUN npm ci
COPY console ./console
RUN npm run console:build

# 3. The runtime: sources run by tsx, as a user without privileges.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=dependencies /app/packages ./packages
COPY package.json package-lock.json tsconfig.json prisma.config.ts schema.graphql ./
COPY prisma ./prisma
COPY src ./src
COPY --from=dependencies /app/src/db/generated ./src/db/generated
COPY --from=console /app/console/dist ./console/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "src/server.ts"]
