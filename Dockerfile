# shop-autoreply: runs the TypeScript sources with tsx (no build step to drift from the code).
# The current Node LTS: every dependency's `engines` accepts it (test/docker/images.test.ts checks)
FROM node:26-bookworm-slim
ENV NODE_ENV=production
# inside a container the port is reached through the published port, never the container's loopback
ENV HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY bin ./bin
COPY schema ./schema
COPY rules ./rules
COPY tsconfig.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=2s CMD node -e "fetch('http://127.0.0.1:3000/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/server.ts"]
