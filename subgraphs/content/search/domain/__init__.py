"""Search's domain: filters, fusion, ranking, facets and reasons; no engine or framework."""
