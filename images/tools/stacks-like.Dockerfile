# TEST STAND-IN for quay.io/jupyter/scipy-notebook, which cannot be pulled here: the local
# debootstrap base + what the execute image relies on from docker-stacks — user `jovyan` uid 1000
# gid 100, HOME /home/jovyan, a python env on PATH owned by that user — and the Jupyter core and
# data packages scipy-notebook ships that nbgate's `execute` extra would otherwise add (ipykernel,
# nbclient, nbconvert, pandas, numpy, requests, pyyaml, tqdm), so the execute image's size above
# it estimates its size above the real base.
ARG BASE_IMAGE=localhost/nbgate-base:bookworm
FROM ${BASE_IMAGE}
ARG PIP_CERT=
RUN useradd --uid 1000 --gid 100 --create-home --home-dir /home/jovyan --shell /bin/bash jovyan \
 && python3 -m venv /opt/conda && chown -R 1000:100 /opt/conda
USER 1000
ENV PATH=/opt/conda/bin:$PATH HOME=/home/jovyan CONDA_DIR=/opt/conda NB_USER=jovyan NB_UID=1000 NB_GID=100
RUN pip install --no-cache-dir --disable-pip-version-check ${PIP_CERT:+--cert "$PIP_CERT"} \
      ipykernel nbclient nbconvert pandas numpy requests pyyaml tqdm
WORKDIR /home/jovyan
