# invitebot: the service image (python:3.11-slim + Tesseract + Poppler).
# Build: docker build -t invitebot .   Run: see docker-compose.yml.
FROM python:3.11-slim

# Tesseract with the six UN languages reads scanned replies; Poppler
# (pdftoppm) turns scanned PDFs into page images for it; libheif's
# heif-convert opens phone photos (HEIC).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-spa \
      tesseract-ocr-rus tesseract-ocr-ara tesseract-ocr-chi-sim tesseract-ocr-osd \
      poppler-utils libheif-examples antiword tzdata ca-certificates \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    INVITEBOT_VAR_DIR=/var/lib/invitebot \
    INVITEBOT_STORE_DIR=/var/lib/invitebot/store

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install .
COPY templates ./templates
COPY config ./config

# Never run as root: the service only needs its own data folder.
RUN useradd --system --home-dir /var/lib/invitebot --create-home invitebot \
 && mkdir -p /var/lib/invitebot/store \
 && chown -R invitebot:invitebot /var/lib/invitebot
USER invitebot
VOLUME ["/var/lib/invitebot"]

ENTRYPOINT ["invitebot"]
CMD ["-v", "--log-json", "run", "-c", "/app/config/campaign.yaml"]
