"""The demo's own words, Korean first, English on request.

The package has its own catalog; the demo's few strings live here as a
dict so the demo needs no second catalog to compile.
"""

from flask import request, session
from flask_babel import get_locale

LOCALES = ("ko", "en")

MESSAGES = {
    "site_name": ("민주주의 서울 (시연)", "Democracy Seoul (demo)"),
    "banner": ("시연용 사이트입니다. 참여자와 공감은 실제 사례를 바탕으로 만든 가상 데이터이며, "
               "실제 서울시에 제출되지 않습니다.",
               "This is a demonstration site. Participants and agreements are synthetic, "
               "modelled on a real case; nothing is sent to the city."),
    "skip": ("본문으로 건너뛰기", "Skip to content"),
    "nav_label": ("주 메뉴", "Main menu"),
    "nav_home": ("처음으로", "Home"),
    "nav_proposals": ("시민제안", "Proposals"),
    "nav_new": ("제안하기", "Make a proposal"),
    "nav_login": ("로그인", "Log in"),
    "nav_signup": ("회원가입", "Sign up"),
    "nav_logout": ("로그아웃", "Log out"),
    "switch_lang": ("English", "한국어"),
    "home_title": ("시민이 제안하고, 서울이 답합니다", "Citizens propose, the city answers"),
    "home_intro": ("누구나 정책을 제안할 수 있습니다. 공감이 모이면 제안은 한 단계씩 올라갑니다:",
                   "Anyone can propose a policy. As agreements gather, a proposal climbs "
                   "one step at a time:"),
    "ladder_rule": ("%(count)s %(metric)s → %(step)s", "%(count)s %(metric)s → %(step)s"),
    "ladder_within": ("(게시 후 %(period)s 안에)", "(within %(period)s of publishing)"),
    "ladder_collection": ("공감은 게시 후 %(period)s 동안 모읍니다. 부서 답변 단계에 오른 제안은 "
                          "계속 공감을 받습니다.",
                          "Agreements are collected for %(period)s after publishing; a proposal "
                          "that reaches the department answer keeps collecting."),
    "case_title": ("실제 사례: 동네 보건소의 난임 주사", "The real case: infertility injections"),
    "case_text": ("2018년 1월 19일 한 시민이 올린 이 제안은 공감 %(count)s개를 모아 담당 부서 "
                  "(건강증진과)의 답변과 공론화를 거쳐 시장의 답변으로 이어졌습니다.",
                  "Posted on 19 January 2018, this proposal gathered %(count)s agreements, an "
                  "answer from the health promotion division, a public debate and finally the "
                  "mayor's answer."),
    "most_agreed": ("공감이 많은 제안", "Most agreed"),
    "closing_soon": ("곧 마감되는 제안", "Closing soon"),
    "agreements": ("공감", "agreements"),
    "all_proposals": ("모든 제안 보기", "See all proposals"),
    "none_yet": ("아직 없습니다.", "None yet."),
    "period_days": ("%(n)s일", "%(n)s days"),
    "period_months": ("%(n)s개월", "%(n)s months"),
    "signup_title": ("회원가입", "Sign up"),
    "login_title": ("로그인", "Log in"),
    "email": ("이메일", "Email"),
    "password": ("비밀번호", "Password"),
    "password_hint": ("8자 이상", "At least 8 characters"),
    "display_name": ("이름 (공개)", "Name (shown publicly)"),
    "signup_submit": ("가입하기", "Sign up"),
    "login_submit": ("로그인", "Log in"),
    "have_account": ("이미 계정이 있나요?", "Already have an account?"),
    "no_account": ("계정이 없나요?", "No account yet?"),
    "demo_accounts": ("시연 계정: citizen@demo.example / citizen-demo, citizen2@demo.example / "
                      "citizen2-demo. 다른 역할의 계정은 'flask --app demo_site seed' 출력에 있습니다.",
                      "Demo accounts: citizen@demo.example / citizen-demo, citizen2@demo.example / "
                      "citizen2-demo. Accounts for the other roles are printed by "
                      "'flask --app demo_site seed'."),
    "form_errors": ("표시된 항목을 고쳐 주세요.", "Please correct the marked fields."),
    "err_email": ("올바른 이메일 주소를 입력하세요.", "Enter a valid email address."),
    "err_email_taken": ("이미 가입된 이메일입니다.", "This email is already registered."),
    "err_password": ("비밀번호는 8자 이상이어야 합니다.", "The password needs at least 8 characters."),
    "err_display_name": ("이름은 1~50자로 입력하세요.", "Enter a name of 1 to 50 characters."),
    "err_login": ("이메일 또는 비밀번호가 맞지 않습니다.", "The email or password is wrong."),
    "welcome": ("환영합니다, %(name)s님.", "Welcome, %(name)s."),
    "logged_in": ("로그인했습니다.", "You are logged in."),
    "logged_out": ("로그아웃했습니다.", "You are logged out."),
    "not_found": ("페이지를 찾을 수 없습니다.", "Page not found."),
    "error_title": ("문제가 생겼습니다", "Something is not right"),
    "signed_in_as": ("%(name)s님", "%(name)s"),
    "nav_outbox": ("메일함 (시연)", "Mail outbox (demo)"),
    "nav_stats": ("통계 (관리자)", "Statistics (admin)"),
    "outbox_title": ("시연용 메일함: 보냈을 메일", "Demo mail outbox: e-mail that would have been sent"),
    "outbox_intro": ("시연 사이트는 메일을 실제로 보내지 않습니다. 알림이 생기면 보냈을 메일을 "
                     "여기에 모아 둡니다. 알림은 요청과 따로, 몇 초 뒤 백그라운드에서 처리됩니다. "
                     "실제 운영에서는 관리자만 볼 수 있는 화면입니다.",
                     "The demo never sends e-mail. When a notification is due, the message "
                     "that would have been sent is kept here. Notifications are processed in "
                     "the background a few seconds after the request. In production only "
                     "admins would see this page."),
    "outbox_to": ("받는 사람", "To"),
    "outbox_subject": ("제목", "Subject"),
    "outbox_at": ("만든 때", "Created"),
    "outbox_empty": ("아직 메일이 없습니다.", "No e-mail yet."),
    "outbox_count": ("최근 메일 %(n)s통", "%(n)s most recent messages"),
}


def current_locale():
    locale = get_locale()
    return str(locale) if locale and str(locale) in LOCALES else "ko"


def t(key, **variables):
    ko, en = MESSAGES[key]
    text = en if current_locale() == "en" else ko
    return text % variables if variables else text


def select_locale():
    """?lang=en or ?lang=ko switches and is remembered in the session."""
    wanted = request.args.get("lang")
    if wanted in LOCALES:
        session["lang"] = wanted
        return wanted
    return session.get("lang") if session.get("lang") in LOCALES else "ko"
