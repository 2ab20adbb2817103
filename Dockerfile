# The mapc job image (docs/deploy.md): `mapc job`, configured by MAPC_* variables.
# Two stages: the build stage installs every dependency, compiles the TypeScript and lays out
# the image's files with deploy/image/stage-image.sh (the built JavaScript, the compiled plans
# of mappings/*.map, production dependencies); the runtime stage copies that folder only and
# runs it as the unprivileged user `node`. The files belong to root: the job cannot change them.
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY api api
COPY bin bin
COPY compiler compiler
COPY grammar grammar
COPY runtime runtime
COPY mappings mappings
COPY examples/*.map examples/
COPY deploy/image/stage-image.sh deploy/image/
RUN npx tsc -p tsconfig.json && sh deploy/image/stage-image.sh /src /image

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /image /app
USER node
ENTRYPOINT ["node", "/app/bin/mapc.js"]
CMD ["job"]
