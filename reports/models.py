"""Generated documents and dashboards: built in the documents issue."""
