"""The operators' dashboard and the JSON/Prometheus endpoints, served by Faust's web server."""
