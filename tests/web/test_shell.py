"""The web shell: sign-in, per-role home pages in Chinese or English, health, import page."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kpilib.accounts.models import User
from kpilib.org.models import Employee
from tests.factories import Org


def signed_in(user: User, **headers: str) -> Client:
    client = Client(**headers)
    client.force_login(user)
    return client


def test_signed_out_visitor_is_sent_to_sign_in(db: None) -> None:
    # when a visitor opens the home page
    response = Client().get("/")
    # then they are redirected to the sign-in page
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_sign_in_page_follows_the_browser_language(db: None) -> None:
    # when a Chinese browser opens the sign-in page
    response = Client(headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get("/accounts/login/")
    # then it is in Chinese
    assert "登录" in response.content.decode()


def test_engineer_home_is_in_their_chosen_language(org: Org) -> None:
    # given an engineer who chose Chinese, on an English browser
    org.engineer.user.language = "zh-hans"
    org.engineer.user.save()
    client = signed_in(org.engineer.user, headers={"Accept-Language": "en"})
    # when they open the home page
    page = client.get("/").content.decode()
    # then it greets them in Chinese with their own section only
    assert "我的计分卡" in page
    assert 'id="employee-home"' in page
    assert 'id="manager-home"' not in page
    assert 'id="hr-home"' not in page


def test_each_role_sees_its_own_home(org: Org) -> None:
    # given a manager and HR on English browsers
    manager_page = signed_in(org.manager.user, headers={"Accept-Language": "en"}).get("/")
    hr_page = signed_in(org.hr, headers={"Accept-Language": "en"}).get("/")
    # then the manager sees their team and HR the administration section
    assert "My team" in manager_page.content.decode()
    assert "张三" in manager_page.content.decode()
    assert "HR administration" in hr_page.content.decode()


def test_language_switch_is_saved_on_the_user(org: Org) -> None:
    # given an engineer
    client = signed_in(org.engineer.user)
    # when they switch to English
    client.post("/language/", {"language": "en", "next": "/"})
    # then the choice is kept on their account and used on the next page
    org.engineer.user.refresh_from_db()
    assert org.engineer.user.language == "en"
    assert "My scorecard" in client.get("/", headers={"Accept-Language": "zh-CN"}).content.decode()


def test_health_reports_the_database(db: None) -> None:
    # when monitoring calls the health endpoint
    response = Client().get("/health")
    # then it answers ok with the database state
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_import_page_lists_every_problem_and_imports_nothing(org: Org) -> None:
    # given HR uploads a file with a bad date
    upload = SimpleUploadedFile(
        "人员.csv",
        "employee_id,name,org_unit,position,hire_date\nE9,孙七,华东售前一组,售前工程师,2024-13-01\n".encode(
            "gbk"
        ),
    )
    client = signed_in(org.hr, headers={"Accept-Language": "en"})
    count = Employee.objects.count()
    # when they import it
    response = client.post("/people/import/", {"file": upload})
    # then the problem is shown with file, line and column, and nothing is written
    page = response.content.decode()
    assert response.status_code == 400
    assert "人员.csv" in page
    assert "hire_date" in page
    assert Employee.objects.count() == count


def test_import_page_imports_a_good_file(org: Org) -> None:
    # given HR uploads a good file
    upload = SimpleUploadedFile(
        "people.csv",
        b"employee_id,name,org_unit,position,manager_id\nE9,Sun Qi,TeamX,Presales engineer,\n",
    )
    client = signed_in(org.hr, headers={"Accept-Language": "en"})
    # when they import it
    response = client.post("/people/import/", {"file": upload}, follow=True)
    # then the person exists and the summary is shown
    assert Employee.objects.filter(employee_id="E9").exists()
    assert "1 new, 0 updated, 0 unchanged" in response.content.decode()


def test_a_large_team_on_the_managers_home_is_counted_and_leads_to_all_of_it(org: Org) -> None:
    # given a manager with 53 reports (the home page lists 50)
    from kpilib.web.views.home import HOME_TEAM_ROWS
    from tests.factories import make_employee

    for number in range(51):
        make_employee(f"工程师{number}", org.team_a, manager=org.manager)
    client = signed_in(org.manager.user, headers={"Accept-Language": "zh-Hans"})
    # when they open the home page in Chinese
    page = client.get("/").content.decode()
    # then it says how many there are, lists the first 50, and links to them all
    assert "共 53 人" in page
    assert f"此处列出前 {HOME_TEAM_ROWS} 人" in page
    assert page.count("/people/") >= HOME_TEAM_ROWS
    assert 'href="/people/">全部人员见“人员”页' in page
