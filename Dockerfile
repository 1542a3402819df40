# syntax=docker/dockerfile:1
# The API and the worker in one image: `docker build -t multiposting-api .`
# Runs the API by default; the worker is the same image with `npm run worker`'s command (build/worker.js).

# 1. Build: the install's postinstall builds the plugin SDK, generates the Prisma client offline (no engine
#    download) and builds the console (TypeScript and Vite are development dependencies, hence the full install);
#    `npm run build` bundles the server and the worker into build/; then the development dependencies go.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts tsconfig.json ./
COPY prisma ./prisma
COPY packages ./packages
COPY console ./console
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
RUN npm ci && npm run build && npm prune --omit=dev && npm cache clean --force

# 2. The runtime: the built JavaScript, as a user without privileges.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/build ./build
COPY --from=build /app/console/dist ./console/dist
COPY package.json schema.graphql ./
COPY prisma ./prisma
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# As `npm start`: V8 sizes its pool of background threads to the machine (4 otherwise, whatever the cores; on two
# cores they took the start's thread away from it: a restart took 1.25 s instead of 0.9 s, BENCHMARKS.md).
CMD ["node", "--enable-source-maps", "--v8-pool-size=0", "build/server.js"]
