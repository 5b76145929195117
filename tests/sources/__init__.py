"""Tests of outside data: agendas, datasets, camera counts, spreadsheets and exports."""
