def test_home_explains_reporting_and_confidentiality(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Make a report" in page or "How reporting works" in page
    assert "encrypted" in page
    assert "IP address is not recorded" in page
