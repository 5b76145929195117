"""Campaign playbooks: organizing knowledge as data, turned into dated campaigns."""
