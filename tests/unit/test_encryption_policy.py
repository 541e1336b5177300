"""The declared encryption policy covers every ciphertext column, and nothing else is hidden."""
from complaints.crypto import ENCRYPTED_FIELDS
from complaints.models import Base


def test_every_enc_column_is_declared_and_every_declaration_exists():
    columns = {(table.name, column.name) for table in Base.metadata.tables.values()
               for column in table.columns if column.name.endswith("_enc")}
    declared = {(t, c) for t, c, _ in ENCRYPTED_FIELDS if c.endswith("_enc")}
    assert columns == declared
