# TEST STAND-IN for a user's own runtime image (bring your own image): the plain local debootstrap
# python base + ipykernel in a venv, and NO nbgate. Runs as uid 1000 with no HOME of its own.
ARG BASE_IMAGE=localhost/nbgate-base:bookworm
FROM ${BASE_IMAGE}
ARG PIP_CERT=
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check ${PIP_CERT:+--cert "$PIP_CERT"} ipykernel \
 && /opt/venv/bin/pip uninstall -y -q pip
ENV PATH=/opt/venv/bin:$PATH
USER 1000:1000
