# The bot in one container: one process, one SQLite file under /data.
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The image runs what the crash test kills 200 times: the esbuild bundle (npm run build -> dist/bundle/).
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# The report charts are drawn on the server and need a font for their labels.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    DATABASE_PATH=/data/oncall.db \
    PORT=3000
# The bundle keeps only the native modules (better-sqlite3, resvg) outside; it finds ../../migrations.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# V8's young generation at 2 MB a half instead of 16, and its heap grown in smaller steps: a storm of webhooks
# then costs ~30 MB less resident memory (npm run bench -- memory reads these flags from this line and runs the bundle with them).
CMD ["node", "--max-semi-space-size=2", "--optimize-for-size", "dist/bundle/main.js"]
