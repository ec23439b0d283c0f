# One image for the four Python subgraphs; the command picks the subgraph.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml ./
COPY subgraphs ./subgraphs
COPY mediagateway ./mediagateway
COPY migrations ./migrations
RUN pip install --no-cache-dir . && pip install --no-cache-dir --no-deps recbole==1.2.1
USER nobody
EXPOSE 4001 4002 4003 4004
CMD ["python", "-m", "uvicorn", "--factory", "subgraphs.content.app:create_app", "--host", "0.0.0.0", "--port", "4001"]
