"""What the report, the dashboard and the totals panels count: one module per kind of figure,
read from the records and the summary tables."""
