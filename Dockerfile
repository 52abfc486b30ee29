# syntax=docker/dockerfile:1
# The base, in both stages: Node 26, the Active LTS since 2026-10-28 (Node 20 reached its
# end of life on 2026-04-30; 24 has been in Maintenance, critical and security fixes only,
# since 2026-10-20; 26 is supported until 2029-04-30), on Debian 13 "trixie", Debian's
# stable release (bookworm's regular security support ended in June 2026). The tag pins the
# Node major and the Debian release: a rebuild picks up their patch and security releases,
# never a new major. package.json's engines stays >=20: the package itself runs on 20 too.

# Build stage: compile TypeScript with the dev dependencies.
FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY schemas ./schemas
COPY fixtures ./fixtures
# The npm cache lives in a BuildKit cache mount, never in a layer.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts && npm run build

# Final stage: runtime dependencies only, as a non-root user, under tini.
FROM node:26-trixie-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Bound beyond loopback, taskstub will not start without an admin token:
# docker run -e TASKSTUB_ADMIN_TOKEN=..., or a secret file with -e TASKSTUB_ADMIN_TOKEN_FILE=/run/secrets/...
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4010
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
COPY fixtures ./fixtures
COPY ui ./ui
# GET /__admin/readme serves the README (src/admin/welcome.ts).
COPY README.md LICENSE ./
# /data: what the stub writes (--journal-file /data/journal.jsonl, replay --junit /data/report.xml).
# Made and given to `node` before VOLUME (the legacy builder discards what a later step
# writes there); a new volume starts as a copy of it, owner included. It is the working
# directory, so relative paths land there too.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
WORKDIR /data
USER node
EXPOSE 4010
# Your own portal data: mount it at /fixtures and pass --fixtures /fixtures.
# Liveness, not the token-guarded /__admin/health: /__admin/health/live answers {"status":"ok"}
# without a token (src/admin/token.ts), so the check works however the server got its token
# (-e TASKSTUB_ADMIN_TOKEN, --admin-token in the command, a token file) and holds no secret.
# Reading the token the way the server does instead would make this check a second parser of
# the server's options, of PID 1's command line (tini's, or docker run --init's) included.
# The check calls the port in PORT: change the port with -e PORT=..., not with --port.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4010)+'/__admin/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/cli.js"]
CMD ["serve"]
