def test_login_page_renders_in_german(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Anmeldung" in response.get_data(as_text=True)


def test_login_and_logout(client, caseworker, login):
    login(caseworker)
    assert client.get("/").status_code == 200
    page = client.get("/").get_data(as_text=True)
    assert "Abmelden" in page
