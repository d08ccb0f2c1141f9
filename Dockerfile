# sprintchain node + worker image (the `sprintd` and `sprint-worker` commands).
# Built by `docker compose up --build` (see docker-compose.yml) or `docker build -t sprintchain:local .`
# CometBFT itself runs from the official cometbft/cometbft:v0.38.x image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY chain ./chain
COPY abci_app ./abci_app
COPY genesis ./genesis
COPY proto ./proto
COPY worker ./worker
RUN pip install ".[worker]" && sprintd --help >/dev/null && sprint-worker --help >/dev/null

# The node home (config/, data/, keyring-test/) is mounted here by docker-compose.yml.
WORKDIR /home/sprint
# ABCI (for CometBFT) and gRPC (for clients and the worker).
EXPOSE 26658 9090
CMD ["sprintd", "start", "--home", "/home/sprint"]
