# syntax=docker/dockerfile:1
# The Hearth functions host, built to plain JavaScript (`npm run build`, dist/): it starts faster and
# holds less memory than running the TypeScript sources through Node 24's type stripping.
#
#   docker build -t hearth .
#   docker run -e KAFKA_BROKERS=... -e DATABASE_URL=... -e UPSTASH_REDIS_REST_URL=... \
#     -e UPSTASH_REDIS_REST_TOKEN=... -p 8080:8080 hearth            # all functions
#   docker run -e HEARTH_FUNCTIONS=a,b ... hearth                       # only those
#   docker run ... hearth migrate                                       # apply SQL migrations

# Production dependencies only, resolved exactly from the lock file.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# The build: every dependency (TypeScript among them), then dist/ from shared/ and functions/.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.ts ./scripts/build.ts
COPY shared ./shared
COPY functions ./functions
RUN npm run build

FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
# Code stays owned by root and read-only to the process, which runs as the image's `node` user.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080
# HEARTH_FUNCTIONS (comma-separated names) selects the functions to host; unset hosts all of them.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEARTH_HTTP_PORT ?? process.env.PORT ?? '8080') + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/shared/cli/hearth.js"]
CMD ["dev"]
