"""SmartGov data catalogue: DCAT-AP.de, CKAN-compatible, searchable, harvestable."""
