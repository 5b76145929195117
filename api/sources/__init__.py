"""Outside data brought in: council agendas, the Atlas of Surveillance, EFF's ALPR data,
OpenStreetMap camera counts, and spreadsheets."""
