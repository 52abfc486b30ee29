# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY schemas ./schemas
COPY fixtures ./fixtures
# The npm cache lives in a BuildKit cache mount, never in a layer.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts && npm run build

# Final stage: runtime dependencies only, as a non-root user, under tini.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Bound beyond loopback, taskstub requires TASKSTUB_ADMIN_TOKEN (docker run -e TASKSTUB_ADMIN_TOKEN=...).
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4010
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
COPY fixtures ./fixtures
COPY ui ./ui
USER node
EXPOSE 4010
# Your own portal data: mount it at /fixtures and pass --fixtures /fixtures.
# The admin API needs the token here (HOST is not loopback): the check sends it.
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4010)+'/__admin/health',{headers:{Authorization:'Bearer '+process.env.TASKSTUB_ADMIN_TOKEN}}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/cli.js"]
CMD ["serve"]
