# sprintchain images, one Dockerfile with two targets (docker-compose.yml builds both):
#
#   node    `sprintd` only (ABCI + gRPC); no torch      docker build --target node   -t sprintchain-node:local .
#   worker  `sprint-worker`: torch (CPU use) + numpy     docker build --target worker -t sprintchain-worker:local .
#
# `scripts/build_images.sh` builds both (and the local base images when no registry is reachable).
# CometBFT itself runs from the cometbft/cometbft:v0.38.x image.
#
# Layers are ordered by how rarely they change, so that a code change rebuilds only the last, small
# layer of each target: node = base -> dependencies (pyproject.toml) -> code; worker = base -> torch
# -> dependencies -> code (torch, the slow layer, does not depend on pyproject.toml). `node` comes
# before the worker stages because the legacy builder builds every stage above the target.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore
WORKDIR /src


FROM base AS node
COPY pyproject.toml ./
# the project's runtime dependencies (not the project: its code changes far more often)
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt
COPY README.md ./
COPY chain ./chain
COPY abci_app ./abci_app
COPY genesis ./genesis
COPY proto ./proto
COPY worker ./worker
RUN pip install --no-deps . && sprintd --help >/dev/null \
    && ! python -c "import torch" 2>/dev/null
# The node home (config/, data/, keyring-test/) is mounted here by docker-compose.yml.
WORKDIR /home/sprint
# ABCI (for CometBFT) and gRPC (for clients and the worker).
EXPOSE 26658 9090
CMD ["sprintd", "start", "--home", "/home/sprint"]


FROM base AS torch
# torch from PyPI. TORCH_INDEX_URL (e.g. https://download.pytorch.org/whl/cpu) installs the CPU-only
# build from that index instead, when it is reachable. From PyPI, torch's Linux wheel is a CUDA
# build that does not import without its nvidia-* libraries (libtorch_cpu.so itself links
# libcudart and libcupti), so those stay; triton (only for torch.compile, which we never use) and
# cuda-bindings are left out. numpy: torch warns at every start without it.
ARG TORCH_VERSION=2.15.0
ARG TORCH_INDEX_URL=
RUN if [ -n "${TORCH_INDEX_URL}" ]; then \
        pip install --index-url "${TORCH_INDEX_URL}" "torch==${TORCH_VERSION}"; \
    else \
        pip install --no-deps "torch==${TORCH_VERSION}" \
        && python -c "import importlib.metadata as m, re; print('\n'.join(r.split(';')[0] for r in m.requires('torch') if 'extra ==' not in r and not re.match(r'(triton|cuda-bindings)\b', r)))" \
            > /tmp/torch-requirements.txt \
        && pip install -r /tmp/torch-requirements.txt && rm /tmp/torch-requirements.txt; \
    fi \
    && pip install "numpy<3" \
    && python -c "import torch, numpy; torch.ones(2).numpy()"


FROM torch AS worker
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt
COPY README.md ./
COPY chain ./chain
COPY abci_app ./abci_app
COPY genesis ./genesis
COPY proto ./proto
COPY worker ./worker
# `pip install ".[worker]"` would pull torch's CUDA extras (triton) back in: torch is installed above
RUN pip install --no-deps . && sprint-worker --help >/dev/null \
    && python -W "error:Failed to initialize NumPy" -c "import torch, worker.sprint.pow; torch.zeros(1).numpy()"
# The node home (config/, keyring-test/, worker/ state) is mounted here by docker-compose.yml.
WORKDIR /home/sprint
CMD ["sprint-worker", "start", "--home", "/home/sprint", "--key", "worker", "--keyring-backend", "test"]
