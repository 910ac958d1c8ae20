"""Texts of the shipped letter templates: the binding German text and six translations.

Item kinds: ("p", text) paragraph, ("li", text) list item, ("h", text) sub-heading, ("kv", text) bold
detail line, ("if", expr)/("endif",) a paragraph-level condition, ("for", target, list)/("endfor",) a
paragraph loop. Placeholders are Jinja expressions over the field catalogue (ebh/letters/fields.py).
Legal citations keep their German form (§ 10 StAG) in every language.
"""
from __future__ import annotations

COMMON = {
    "de": {
        "file_number": "Aktenzeichen",
        "date": "Datum",
        "caseworker": "Sachbearbeitung",
        "phone": "Telefon",
        "email": "E-Mail",
        "closing": "Mit freundlichen Grüßen",
        "on_behalf": "Im Auftrag",
    },
    "en": {
        "adjective_de": "Englische",
        "hint": "An English translation follows this letter. Only the German text is legally binding.",
        "heading": "English translation (for your information)",
        "binding": "This translation is provided for your information only. Only the German text of this letter "
                   "is legally binding.",
        "closing": "Yours sincerely",
        "on_behalf": "On behalf of the authority",
    },
    "tr": {
        "adjective_de": "Türkische",
        "hint": "Bu mektubun Türkçe çevirisi ektedir. Yalnızca Almanca metin hukuken bağlayıcıdır.",
        "heading": "Türkçe çeviri (bilgi amaçlıdır)",
        "binding": "Bu çeviri yalnızca bilgi amacıyla verilmiştir. Hukuken bağlayıcı olan yalnızca bu mektubun "
                   "Almanca metnidir.",
        "closing": "Saygılarımızla",
        "on_behalf": "Kurum adına",
    },
    "ar": {
        "adjective_de": "Arabische",
        "hint": "مرفق بهذه الرسالة ترجمة إلى اللغة العربية. النص الألماني وحده هو الملزم قانونياً.",
        "heading": "الترجمة العربية (للعلم فقط)",
        "binding": "هذه الترجمة مقدمة لإعلامكم فقط. النص الألماني لهذه الرسالة هو وحده الملزم قانونياً.",
        "closing": "مع خالص التحيات",
        "on_behalf": "بالنيابة عن الجهة المختصة",
    },
    "fa": {
        "adjective_de": "Persische",
        "hint": "ترجمهٔ فارسی این نامه پیوست است. تنها متن آلمانی از نظر حقوقی معتبر و الزام‌آور است.",
        "heading": "ترجمهٔ فارسی (صرفاً جهت اطلاع)",
        "binding": "این ترجمه صرفاً جهت اطلاع شما ارائه شده است. تنها متن آلمانی این نامه از نظر حقوقی "
                   "معتبر و الزام‌آور است.",
        "closing": "با احترام",
        "on_behalf": "از طرف اداره",
    },
    "ru": {
        "adjective_de": "Russische",
        "hint": "К настоящему письму прилагается перевод на русский язык. Юридически обязательным является "
                "только текст на немецком языке.",
        "heading": "Перевод на русский язык (для информации)",
        "binding": "Настоящий перевод предоставляется только для вашей информации. Юридически обязательным "
                   "является исключительно немецкий текст письма.",
        "closing": "С уважением",
        "on_behalf": "По поручению ведомства",
    },
    "uk": {
        "adjective_de": "Ukrainische",
        "hint": "До цього листа додається переклад українською мовою. Юридично обов’язковим є лише текст "
                "німецькою мовою.",
        "heading": "Переклад українською мовою (для інформації)",
        "binding": "Цей переклад надається лише для вашої інформації. Юридично обов’язковим є виключно "
                   "німецький текст листа.",
        "closing": "З повагою",
        "on_behalf": "За дорученням установи",
    },
}

_ELIGIBLE_IF = ("if", "eligibility.earliest_date")
_ENDIF = ("endif",)

NATURALIZATION_INFO = {
    "de": {
        "subject": "Information über die Möglichkeit der Einbürgerung",
        "body": [
            ("p", "nach den bei uns vorliegenden Angaben leben Sie bereits seit mehreren Jahren in Deutschland. "
                  "Wir möchten Sie darüber informieren, dass Sie möglicherweise die Voraussetzungen für eine "
                  "Einbürgerung erfüllen oder in absehbarer Zeit erfüllen werden."),
            ("p", "Nach § 10 des Staatsangehörigkeitsgesetzes (StAG) besteht ein Anspruch auf Einbürgerung "
                  "insbesondere dann, wenn Sie"),
            ("li", "seit fünf Jahren rechtmäßig Ihren gewöhnlichen Aufenthalt in Deutschland haben,"),
            ("li", "Ihre Identität und Staatsangehörigkeit geklärt sind,"),
            ("li", "ein unbefristetes Aufenthaltsrecht oder einen anderen dafür geeigneten Aufenthaltstitel "
                   "besitzen,"),
            ("li", "den Lebensunterhalt für sich und Ihre unterhaltsberechtigten Angehörigen ohne Leistungen nach "
                   "dem SGB II oder SGB XII bestreiten können (gesetzliche Ausnahmen sind möglich),"),
            ("li", "über ausreichende Deutschkenntnisse verfügen (Niveau B1 des Gemeinsamen Europäischen "
                   "Referenzrahmens),"),
            ("li", "Kenntnisse der Rechts- und Gesellschaftsordnung und der Lebensverhältnisse in Deutschland "
                   "besitzen (in der Regel nachgewiesen durch den Einbürgerungstest),"),
            ("li", "sich zur freiheitlichen demokratischen Grundordnung des Grundgesetzes und zur besonderen "
                   "historischen Verantwortung Deutschlands bekennen und"),
            ("li", "nicht wegen einer Straftat verurteilt worden sind (geringfügige Verurteilungen bleiben nach "
                   "§ 12a StAG außer Betracht)."),
            ("p", "Ihre bisherige Staatsangehörigkeit müssen Sie nicht aufgeben; seit dem 27. Juni 2024 ist die "
                  "Einbürgerung unter Hinnahme der Mehrstaatigkeit möglich. Die Gebühr für die Einbürgerung "
                  "beträgt 255 Euro, für ein miteingebürgertes minderjähriges Kind ohne eigene Einkünfte 51 Euro "
                  "(§ 38 Abs. 2 StAG)."),
            _ELIGIBLE_IF,
            ("p", "Nach einer ersten, unverbindlichen Auswertung der bei uns gespeicherten Daten könnten Sie die "
                  "Voraussetzungen ab dem {{ eligibility.earliest_date }} erfüllen. Maßgeblich ist allein die "
                  "Prüfung im Einbürgerungsverfahren."),
            _ENDIF,
            ("p", "Wenn Sie sich einbürgern lassen möchten, können Sie bei uns einen Antrag stellen. Gern beraten "
                  "wir Sie vorher. Sie erreichen uns unter den im Briefkopf genannten Kontaktdaten."),
            ("p", "Dieses Schreiben dient ausschließlich Ihrer Information. Es ist kein Bescheid und verpflichtet "
                  "Sie zu nichts. Wenn Sie keinen Antrag stellen möchten, müssen Sie nichts unternehmen."),
            ("p", "Für dieses Schreiben haben wir Ihren Namen, Ihre Anschrift und Angaben zu Ihrem Aufenthalt aus "
                  "unseren Unterlagen verwendet. Informationen zum Datenschutz erhalten Sie auf Anfrage bei uns."),
        ],
    },
    "en": {
        "subject": "Information about the possibility of naturalization",
        "body": [
            ("p", "According to the information available to us, you have been living in Germany for several "
                  "years. We would like to inform you that you may meet the requirements for naturalization "
                  "(acquiring German citizenship) now or in the near future."),
            ("p", "Under section 10 of the German Nationality Act (§ 10 StAG), you are entitled to naturalization "
                  "in particular if you"),
            ("li", "have been lawfully and habitually resident in Germany for five years,"),
            ("li", "have a clarified identity and nationality,"),
            ("li", "hold a permanent right of residence or another suitable residence title,"),
            ("li", "can support yourself and your dependants without benefits under Book II or Book XII of the "
                   "Social Code (SGB II/SGB XII) (statutory exceptions apply),"),
            ("li", "have sufficient knowledge of German (level B1 of the Common European Framework of Reference "
                   "for Languages),"),
            ("li", "have knowledge of the legal and social order and the living conditions in Germany (usually "
                   "proven by the naturalization test),"),
            ("li", "declare your commitment to the free democratic basic order of the Basic Law and to Germany’s "
                   "special historical responsibility, and"),
            ("li", "have not been convicted of a criminal offence (minor convictions are disregarded under "
                   "§ 12a StAG)."),
            ("p", "You do not have to give up your present nationality: since 27 June 2024, naturalization has "
                  "been possible while keeping your previous nationality (multiple nationality). The fee for "
                  "naturalization is 255 euros; for a minor child without income of its own who is naturalized "
                  "together with a parent, it is 51 euros (§ 38 Abs. 2 StAG)."),
            _ELIGIBLE_IF,
            ("p", "A first, non-binding evaluation of the data we hold indicates that you might meet the "
                  "requirements from {{ eligibility.earliest_date }}. Only the examination in the naturalization "
                  "procedure is decisive."),
            _ENDIF,
            ("p", "If you would like to be naturalized, you can submit an application to us. We will be happy to "
                  "advise you beforehand. You can reach us using the contact details in the letterhead on the "
                  "first page."),
            ("p", "This letter is for your information only. It is not an official decision and does not oblige "
                  "you to do anything. If you do not wish to apply, you do not need to take any action."),
            ("p", "For this letter we used your name, your address and information about your residence from our "
                  "records. Information on data protection is available from us on request."),
        ],
    },
    "tr": {
        "subject": "Vatandaşlığa geçiş (Einbürgerung) imkânı hakkında bilgilendirme",
        "body": [
            ("p", "Elimizdeki bilgilere göre birkaç yıldır Almanya’da yaşıyorsunuz. Alman vatandaşlığına geçiş "
                  "(Einbürgerung) koşullarını şu anda veya yakın bir gelecekte karşılıyor olabileceğinizi size "
                  "bildirmek isteriz."),
            ("p", "Alman Vatandaşlık Kanunu’nun 10. maddesine (§ 10 StAG) göre özellikle aşağıdaki koşulları "
                  "karşılıyorsanız vatandaşlığa geçiş hakkınız vardır:"),
            ("li", "beş yıldır Almanya’da yasal olarak mutat ikametinizin bulunması,"),
            ("li", "kimliğinizin ve vatandaşlığınızın açıklığa kavuşturulmuş olması,"),
            ("li", "süresiz bir oturma hakkına veya buna uygun başka bir oturma iznine sahip olmanız,"),
            ("li", "kendinizin ve bakmakla yükümlü olduğunuz aile bireylerinizin geçimini Sosyal Yasa’nın II. veya "
                   "XII. kitabı (SGB II/SGB XII) kapsamındaki yardımlar olmadan sağlayabilmeniz (yasal istisnalar "
                   "mümkündür),"),
            ("li", "yeterli düzeyde Almanca bilgisine sahip olmanız (Avrupa Ortak Dil Referans Çerçevesi B1 "
                   "seviyesi),"),
            ("li", "Almanya’daki hukuk ve toplum düzeni ile yaşam koşulları hakkında bilgi sahibi olmanız (kural "
                   "olarak vatandaşlık testi ile kanıtlanır),"),
            ("li", "Anayasa’nın özgürlükçü demokratik temel düzenine ve Almanya’nın özel tarihsel sorumluluğuna "
                   "bağlılığınızı beyan etmeniz ve"),
            ("li", "bir suç nedeniyle mahkûm edilmemiş olmanız (küçük mahkûmiyetler § 12a StAG uyarınca dikkate "
                   "alınmaz)."),
            ("p", "Mevcut vatandaşlığınızdan vazgeçmeniz gerekmez; 27 Haziran 2024’ten bu yana çifte vatandaşlık "
                  "kabul edilerek vatandaşlığa geçiş mümkündür. Vatandaşlığa geçiş harcı 255 Euro’dur; "
                  "ebeveyniyle birlikte vatandaşlığa geçen ve kendi geliri olmayan reşit olmayan çocuk için harç "
                  "51 Euro’dur (§ 38 Abs. 2 StAG)."),
            _ELIGIBLE_IF,
            ("p", "Kayıtlarımızdaki verilerin ilk ve bağlayıcı olmayan bir değerlendirmesine göre koşulları "
                  "{{ eligibility.earliest_date }} tarihinden itibaren karşılıyor olabilirsiniz. Belirleyici olan "
                  "yalnızca vatandaşlığa geçiş işlemindeki incelemedir."),
            _ENDIF,
            ("p", "Vatandaşlığa geçmek isterseniz bize başvurabilirsiniz. Başvurudan önce sizi memnuniyetle "
                  "bilgilendiririz. Bize ilk sayfadaki antette yer alan iletişim bilgileri üzerinden "
                  "ulaşabilirsiniz."),
            ("p", "Bu mektup yalnızca bilgilendirme amaçlıdır. Resmî bir karar değildir ve sizi herhangi bir şey "
                  "yapmakla yükümlü kılmaz. Başvuru yapmak istemiyorsanız herhangi bir işlem yapmanız gerekmez."),
            ("p", "Bu mektup için kayıtlarımızdaki adınızı, adresinizi ve ikametinize ilişkin bilgileri kullandık. "
                  "Kişisel verilerin korunmasına ilişkin bilgileri talep etmeniz hâlinde size veririz."),
        ],
    },
    "ar": {
        "subject": "معلومات حول إمكانية التجنس بالجنسية الألمانية",
        "body": [
            ("p", "وفقاً للمعلومات المتوفرة لدينا، فإنكم تقيمون في ألمانيا منذ عدة سنوات. ونود إعلامكم بأنكم قد "
                  "تستوفون شروط التجنس (الحصول على الجنسية الألمانية) حالياً أو في المستقبل القريب."),
            ("p", "وفقاً للمادة 10 من قانون الجنسية الألماني (§ 10 StAG) يحق لكم التجنس على وجه الخصوص إذا كنتم:"),
            ("li", "تقيمون إقامة اعتيادية قانونية في ألمانيا منذ خمس سنوات،"),
            ("li", "قد تم توضيح هويتكم وجنسيتكم،"),
            ("li", "تحملون حق إقامة دائمة أو تصريح إقامة آخر مناسباً لذلك،"),
            ("li", "قادرين على إعالة أنفسكم وأفراد أسرتكم الذين تعيلونهم دون الحصول على إعانات بموجب الكتاب الثاني "
                   "أو الثاني عشر من قانون الضمان الاجتماعي (SGB II/SGB XII) (مع مراعاة الاستثناءات القانونية)،"),
            ("li", "تتقنون اللغة الألمانية بمستوى كافٍ (المستوى B1 وفق الإطار الأوروبي المرجعي المشترك للغات)،"),
            ("li", "على معرفة بالنظام القانوني والاجتماعي وظروف المعيشة في ألمانيا (يُثبت ذلك عادةً باختبار "
                   "التجنس)،"),
            ("li", "تعلنون التزامكم بالنظام الأساسي الديمقراطي الحر للقانون الأساسي وبالمسؤولية التاريخية الخاصة "
                   "لألمانيا،"),
            ("li", "لم تُدانوا بجريمة جنائية (لا تؤخذ الإدانات البسيطة في الاعتبار وفقاً للمادة § 12a StAG)."),
            ("p", "لا يتعين عليكم التخلي عن جنسيتكم الحالية، إذ أصبح التجنس ممكناً منذ 27 يونيو/حزيران 2024 مع "
                  "الاحتفاظ بالجنسية السابقة (تعدد الجنسيات). تبلغ رسوم التجنس 255 يورو، وتبلغ 51 يورو للطفل القاصر "
                  "الذي ليس له دخل خاص ويتجنس مع أحد والديه (§ 38 Abs. 2 StAG)."),
            _ELIGIBLE_IF,
            ("p", "وفقاً لتقييم أولي غير ملزم للبيانات المحفوظة لدينا، قد تستوفون الشروط اعتباراً من "
                  "{{ eligibility.earliest_date }}. والعبرة فقط بالفحص الذي يتم في إجراءات التجنس."),
            _ENDIF,
            ("p", "إذا كنتم ترغبون في التجنس، يمكنكم تقديم طلب لدينا، ويسعدنا تقديم المشورة لكم مسبقاً. يمكنكم "
                  "التواصل معنا عبر بيانات الاتصال المذكورة في ترويسة الرسالة في الصفحة الأولى."),
            ("p", "هذه الرسالة لإعلامكم فقط، وهي ليست قراراً إدارياً ولا تُلزمكم بأي شيء. إذا كنتم لا ترغبون في "
                  "تقديم طلب، فلا يلزمكم القيام بأي إجراء."),
            ("p", "لإعداد هذه الرسالة استخدمنا اسمكم وعنوانكم ومعلومات عن إقامتكم من سجلاتنا. يمكنكم الحصول على "
                  "معلومات حول حماية البيانات لدينا عند الطلب."),
        ],
    },
    "fa": {
        "subject": "اطلاع‌رسانی درباره امکان اخذ تابعیت آلمان",
        "body": [
            ("p", "بر اساس اطلاعات موجود نزد ما، شما چندین سال است که در آلمان زندگی می‌کنید. مایلیم به اطلاع شما "
                  "برسانیم که ممکن است هم‌اکنون یا در آینده نزدیک شرایط اخذ تابعیت آلمان (Einbürgerung) را داشته "
                  "باشید."),
            ("p", "طبق ماده 10 قانون تابعیت آلمان (§ 10 StAG)، شما به‌ویژه در صورتی حق اخذ تابعیت دارید که:"),
            ("li", "پنج سال است که به‌طور قانونی اقامت معمول در آلمان دارید،"),
            ("li", "هویت و تابعیت شما روشن شده است،"),
            ("li", "حق اقامت دائم یا اجازه اقامت مناسب دیگری دارید،"),
            ("li", "می‌توانید هزینه زندگی خود و افراد تحت تکفل خود را بدون دریافت کمک‌های کتاب دوم یا دوازدهم "
                   "قانون تأمین اجتماعی (SGB II/SGB XII) تأمین کنید (استثناهای قانونی وجود دارد)،"),
            ("li", "به اندازه کافی به زبان آلمانی تسلط دارید (سطح B1 چارچوب مشترک اروپایی مرجع برای زبان‌ها)،"),
            ("li", "با نظام حقوقی و اجتماعی و شرایط زندگی در آلمان آشنا هستید (معمولاً با آزمون تابعیت اثبات "
                   "می‌شود)،"),
            ("li", "به نظام اساسی آزاد و دموکراتیک قانون اساسی و به مسئولیت تاریخی ویژه آلمان متعهد هستید و"),
            ("li", "به دلیل ارتکاب جرم محکوم نشده‌اید (محکومیت‌های جزئی طبق § 12a StAG در نظر گرفته نمی‌شوند)."),
            ("p", "لازم نیست از تابعیت فعلی خود صرف‌نظر کنید؛ از 27 ژوئن 2024 اخذ تابعیت با حفظ تابعیت قبلی "
                  "(تابعیت چندگانه) امکان‌پذیر است. هزینه اخذ تابعیت 255 یورو است و برای فرزند زیر سن قانونی بدون "
                  "درآمد شخصی که همراه با والد خود تابعیت می‌گیرد، 51 یورو است (§ 38 Abs. 2 StAG)."),
            _ELIGIBLE_IF,
            ("p", "بر اساس ارزیابی اولیه و غیرالزام‌آور داده‌های ثبت‌شده نزد ما، ممکن است شما از تاریخ "
                  "{{ eligibility.earliest_date }} شرایط لازم را داشته باشید. ملاک تنها بررسی در روند رسیدگی به "
                  "درخواست تابعیت است."),
            _ENDIF,
            ("p", "اگر مایل به اخذ تابعیت آلمان هستید، می‌توانید درخواست خود را به ما ارائه دهید. با کمال میل پیش از "
                  "آن به شما مشاوره می‌دهیم. از طریق اطلاعات تماس مندرج در سربرگ نامه در صفحه نخست می‌توانید با ما "
                  "تماس بگیرید."),
            ("p", "این نامه صرفاً جهت اطلاع شماست. این نامه تصمیم اداری نیست و شما را به انجام کاری ملزم نمی‌کند. "
                  "اگر نمی‌خواهید درخواست دهید، لازم نیست اقدامی انجام دهید."),
            ("p", "برای تهیه این نامه از نام، نشانی و اطلاعات مربوط به اقامت شما در پرونده‌های خود استفاده کرده‌ایم. "
                  "اطلاعات مربوط به حفاظت از داده‌ها را در صورت درخواست از ما دریافت می‌کنید."),
        ],
    },
    "ru": {
        "subject": "Информация о возможности получения гражданства Германии (натурализации)",
        "body": [
            ("p", "По имеющимся у нас сведениям, вы уже несколько лет проживаете в Германии. Сообщаем вам, что вы, "
                  "возможно, уже отвечаете или в ближайшее время будете отвечать требованиям для натурализации "
                  "(получения гражданства Германии)."),
            ("p", "Согласно § 10 Закона о гражданстве (StAG), вы имеете право на натурализацию, в частности, если "
                  "вы:"),
            ("li", "в течение пяти лет законно и постоянно проживаете в Германии,"),
            ("li", "имеете установленную личность и гражданство,"),
            ("li", "имеете бессрочное право на пребывание или иной подходящий вид на жительство,"),
            ("li", "можете обеспечивать себя и членов семьи, находящихся на вашем иждивении, без пособий по Книгам "
                   "II или XII Социального кодекса (SGB II/SGB XII) (возможны предусмотренные законом исключения),"),
            ("li", "достаточно владеете немецким языком (уровень B1 по Общеевропейской шкале языковых "
                   "компетенций),"),
            ("li", "знаете правовой и общественный порядок и условия жизни в Германии (как правило, подтверждается "
                   "тестом на натурализацию),"),
            ("li", "заявляете о своей приверженности свободному демократическому строю Основного закона и особой "
                   "исторической ответственности Германии и"),
            ("li", "не были осуждены за уголовное преступление (незначительные судимости согласно § 12a StAG не "
                   "учитываются)."),
            ("p", "Вам не нужно отказываться от своего нынешнего гражданства: с 27 июня 2024 года натурализация "
                  "возможна с сохранением прежнего гражданства (множественное гражданство). Пошлина за "
                  "натурализацию составляет 255 евро, для несовершеннолетнего ребенка без собственного дохода, "
                  "натурализуемого вместе с родителем, — 51 евро (§ 38 Abs. 2 StAG)."),
            _ELIGIBLE_IF,
            ("p", "По результатам первичной, не имеющей обязательной силы оценки хранящихся у нас данных, вы, "
                  "возможно, будете отвечать требованиям с {{ eligibility.earliest_date }}. Решающее значение "
                  "имеет только проверка в рамках процедуры натурализации."),
            _ENDIF,
            ("p", "Если вы хотите получить гражданство Германии, вы можете подать нам заявление. Мы охотно "
                  "проконсультируем вас заранее. Связаться с нами можно по контактным данным, указанным в шапке "
                  "письма на первой странице."),
            ("p", "Настоящее письмо носит исключительно информационный характер. Оно не является административным "
                  "решением и ни к чему вас не обязывает. Если вы не хотите подавать заявление, вам ничего не нужно "
                  "предпринимать."),
            ("p", "Для подготовки этого письма мы использовали ваше имя, адрес и сведения о вашем пребывании из "
                  "наших материалов. Информацию о защите персональных данных вы можете получить у нас по запросу."),
        ],
    },
    "uk": {
        "subject": "Інформація про можливість набуття громадянства Німеччини (натуралізації)",
        "body": [
            ("p", "За наявними в нас даними, ви вже кілька років проживаєте в Німеччині. Повідомляємо вам, що ви, "
                  "можливо, вже відповідаєте або найближчим часом відповідатимете вимогам для натуралізації "
                  "(набуття громадянства Німеччини)."),
            ("p", "Відповідно до § 10 Закону про громадянство (StAG) ви маєте право на натуралізацію, зокрема, якщо "
                  "ви:"),
            ("li", "протягом п’яти років законно та постійно проживаєте в Німеччині,"),
            ("li", "маєте встановлену особу та громадянство,"),
            ("li", "маєте безстрокове право на перебування або інший придатний дозвіл на проживання,"),
            ("li", "можете забезпечувати себе та членів родини, які перебувають на вашому утриманні, без допомоги за "
                   "Книгами II або XII Соціального кодексу (SGB II/SGB XII) (можливі передбачені законом "
                   "винятки),"),
            ("li", "достатньо володієте німецькою мовою (рівень B1 за Загальноєвропейськими рекомендаціями з мовної "
                   "освіти),"),
            ("li", "знаєте правовий і суспільний устрій та умови життя в Німеччині (як правило, підтверджується "
                   "тестом на натуралізацію),"),
            ("li", "заявляєте про свою відданість вільному демократичному устрою Основного закону та особливій "
                   "історичній відповідальності Німеччини і"),
            ("li", "не були засуджені за кримінальне правопорушення (незначні судимості згідно з § 12a StAG не "
                   "враховуються)."),
            ("p", "Вам не потрібно відмовлятися від свого нинішнього громадянства: з 27 червня 2024 року "
                  "натуралізація можлива зі збереженням попереднього громадянства (множинне громадянство). Збір "
                  "за натуралізацію становить 255 євро, для неповнолітньої дитини без власного доходу, яка "
                  "натуралізується разом із батьком або матір’ю, — 51 євро (§ 38 Abs. 2 StAG)."),
            _ELIGIBLE_IF,
            ("p", "За результатами первинної оцінки даних, що зберігаються в нас, яка не має обов’язкової сили, ви, "
                  "можливо, відповідатимете вимогам з {{ eligibility.earliest_date }}. Вирішальною є лише "
                  "перевірка в межах процедури натуралізації."),
            _ENDIF,
            ("p", "Якщо ви бажаєте набути громадянство Німеччини, ви можете подати нам заяву. Ми охоче "
                  "проконсультуємо вас заздалегідь. Зв’язатися з нами можна за контактними даними, зазначеними в "
                  "шапці листа на першій сторінці."),
            ("p", "Цей лист має виключно інформаційний характер. Він не є адміністративним рішенням і ні до чого вас "
                  "не зобов’язує. Якщо ви не бажаєте подавати заяву, вам нічого не потрібно робити."),
            ("p", "Для підготовки цього листа ми використали ваше ім’я, адресу та відомості про ваше перебування з "
                  "наших матеріалів. Інформацію про захист персональних даних ви можете отримати в нас за "
                  "запитом."),
        ],
    },
}

RESIDENCE_INFO = {
    "de": {
        "subject": "Hinweis auf die Möglichkeit eines Aufenthaltsrechts nach § 25b und § 25a AufenthG",
        "body": [
            ("p", "nach unseren Unterlagen halten Sie sich seit längerer Zeit in Deutschland auf. Wir weisen Sie "
                  "darauf hin, dass Sie unter bestimmten Voraussetzungen eine Aufenthaltserlaubnis erhalten können. "
                  "Bitte prüfen Sie, ob eine der folgenden Regelungen für Sie oder Ihre Familienangehörigen in "
                  "Betracht kommt."),
            ("h", "Aufenthaltsgewährung bei nachhaltiger Integration (§ 25b AufenthG)"),
            ("p", "Wer geduldet ist oder eine Aufenthaltserlaubnis nach § 104c AufenthG besitzt, soll eine "
                  "Aufenthaltserlaubnis erhalten, wenn er sich nachhaltig in die Lebensverhältnisse in Deutschland "
                  "integriert hat. Das setzt in der Regel voraus:"),
            ("li", "einen ununterbrochenen Aufenthalt von mindestens sechs Jahren mit Duldung, Aufenthaltsgestattung "
                   "oder Aufenthaltserlaubnis – oder von mindestens vier Jahren, wenn Sie mit einem minderjährigen "
                   "ledigen Kind in häuslicher Gemeinschaft leben,"),
            ("li", "das Bekenntnis zur freiheitlichen demokratischen Grundordnung und Grundkenntnisse der Rechts- und "
                   "Gesellschaftsordnung und der Lebensverhältnisse in Deutschland,"),
            ("li", "die überwiegende Sicherung des Lebensunterhalts durch Erwerbstätigkeit oder die begründete "
                   "Erwartung, dass er künftig so gesichert sein wird,"),
            ("li", "hinreichende mündliche Deutschkenntnisse (Niveau A2 des Gemeinsamen Europäischen "
                   "Referenzrahmens) und"),
            ("li", "für Kinder im schulpflichtigen Alter den Nachweis des tatsächlichen Schulbesuchs."),
            ("p", "Ehegatten, Lebenspartner und minderjährige ledige Kinder, die mit Ihnen in familiärer "
                  "Lebensgemeinschaft leben, können ebenfalls eine Aufenthaltserlaubnis erhalten (§ 25b Abs. 4 "
                  "AufenthG)."),
            ("h", "Gut integrierte Jugendliche und junge Volljährige (§ 25a AufenthG)"),
            ("p", "Jugendliche und junge Volljährige, die seit mindestens zwölf Monaten geduldet sind oder eine "
                  "Aufenthaltserlaubnis nach § 104c AufenthG besitzen, sollen eine Aufenthaltserlaubnis erhalten, "
                  "wenn sie"),
            ("li", "sich seit drei Jahren ununterbrochen erlaubt, geduldet oder mit einer Aufenthaltsgestattung in "
                   "Deutschland aufhalten,"),
            ("li", "in der Regel seit drei Jahren erfolgreich eine Schule in Deutschland besuchen oder hier einen "
                   "anerkannten Schul- oder Berufsabschluss erworben haben,"),
            ("li", "den Antrag vor Vollendung des 27. Lebensjahres stellen,"),
            ("li", "erwarten lassen, dass sie sich in die Lebensverhältnisse in Deutschland einfügen können, und"),
            ("li", "keine konkreten Anhaltspunkte dafür bestehen, dass sie sich nicht zur freiheitlichen "
                   "demokratischen Grundordnung bekennen."),
            ("p", "Eine Aufenthaltserlaubnis wird nicht erteilt, wenn die Abschiebung wegen eigener falscher Angaben "
                  "oder eigener Täuschung über die Identität oder Staatsangehörigkeit ausgesetzt ist, und nach "
                  "§ 25b AufenthG auch dann nicht, wenn die Aufenthaltsbeendigung auf diese Weise oder durch "
                  "Nichterfüllung zumutbarer Mitwirkungspflichten verhindert oder verzögert wurde oder ein "
                  "Ausweisungsinteresse nach § 54 Abs. 1 oder Abs. 2 Nr. 1 oder 2 AufenthG besteht."),
            _ELIGIBLE_IF,
            ("p", "Nach einer ersten, unverbindlichen Auswertung der bei uns gespeicherten Daten könnten Sie die "
                  "Voraussetzungen ab dem {{ eligibility.earliest_date }} erfüllen. Maßgeblich ist allein die "
                  "Prüfung im Antragsverfahren."),
            _ENDIF,
            ("p", "Die Aufenthaltserlaubnis wird nur auf Antrag erteilt. Bitte vereinbaren Sie einen "
                  "Beratungstermin unter den im Briefkopf genannten Kontaktdaten. Bringen Sie bitte Ihren Pass oder "
                  "Passersatz, Ihre Duldung sowie vorhandene Nachweise über Erwerbstätigkeit, Deutschkenntnisse und "
                  "den Schulbesuch Ihrer Kinder mit."),
            ("p", "Dieses Schreiben ist ein Hinweis und kein Bescheid. Ob die Voraussetzungen in Ihrem Fall erfüllt "
                  "sind, wird erst im Antragsverfahren geprüft."),
        ],
    },
    "en": {
        "subject": "Notice of a possible right of residence under § 25b and § 25a of the Residence Act (AufenthG)",
        "body": [
            ("p", "According to our records, you have been staying in Germany for a considerable time. We would "
                  "like to point out that you may be able to obtain a residence permit under certain conditions. "
                  "Please check whether one of the following provisions may apply to you or your family members."),
            ("h", "Residence for sustainable integration (§ 25b AufenthG)"),
            ("p", "A person who holds a Duldung (temporary suspension of deportation) or a residence permit under "
                  "§ 104c AufenthG should be granted a residence permit if they have integrated sustainably into "
                  "life in Germany. As a rule, this requires:"),
            ("li", "uninterrupted residence of at least six years with a Duldung, a permission to stay during the "
                   "asylum procedure (Aufenthaltsgestattung) or a residence permit – or of at least four years if "
                   "you live in the same household as a minor unmarried child,"),
            ("li", "a commitment to the free democratic basic order and basic knowledge of the legal and social "
                   "order and the living conditions in Germany,"),
            ("li", "a livelihood secured predominantly through employment, or the justified expectation that it "
                   "will be secured in this way,"),
            ("li", "sufficient oral knowledge of German (level A2 of the Common European Framework of Reference for "
                   "Languages), and"),
            ("li", "for children of compulsory school age, proof of actual school attendance."),
            ("p", "Spouses, registered partners and minor unmarried children who live with you as a family may also "
                  "be granted a residence permit (§ 25b Abs. 4 AufenthG)."),
            ("h", "Well-integrated adolescents and young adults (§ 25a AufenthG)"),
            ("p", "Adolescents and young adults who have held a Duldung for at least twelve months or who hold a "
                  "residence permit under § 104c AufenthG should be granted a residence permit if they"),
            ("li", "have been staying in Germany without interruption for three years with permission, a Duldung or "
                   "an Aufenthaltsgestattung,"),
            ("li", "as a rule have successfully attended school in Germany for three years or have obtained a "
                   "recognised school-leaving or vocational qualification here,"),
            ("li", "apply before their 27th birthday,"),
            ("li", "can be expected to integrate into life in Germany, and"),
            ("li", "there are no concrete indications that they are not committed to the free democratic basic "
                   "order."),
            ("p", "A residence permit is not granted if deportation has been suspended because of the person’s own "
                  "false statements or own deception about identity or nationality; under § 25b AufenthG it is "
                  "also not granted if the end of the stay was prevented or delayed in this way or by not meeting "
                  "reasonable obligations to cooperate, or if there is an interest in expulsion under § 54 Abs. 1 "
                  "or Abs. 2 Nr. 1 or 2 AufenthG."),
            _ELIGIBLE_IF,
            ("p", "A first, non-binding evaluation of the data we hold indicates that you might meet the "
                  "requirements from {{ eligibility.earliest_date }}. Only the examination in the application "
                  "procedure is decisive."),
            _ENDIF,
            ("p", "A residence permit is only granted upon application. Please make an appointment for advice "
                  "using the contact details in the letterhead on the first page. Please bring your passport or "
                  "passport substitute, your Duldung and any proof you have of employment, knowledge of German and "
                  "your children’s school attendance."),
            ("p", "This letter is a notice, not an official decision. Whether the requirements are met in your case "
                  "will only be examined in the application procedure."),
        ],
    },
    "tr": {
        "subject": "Oturum Kanunu’nun (AufenthG) § 25b ve § 25a maddeleri uyarınca olası bir oturma hakkı "
                   "hakkında bilgilendirme",
        "body": [
            ("p", "Kayıtlarımıza göre uzun süredir Almanya’da bulunuyorsunuz. Belirli koşullar altında oturma izni "
                  "alabileceğinizi hatırlatmak isteriz. Lütfen aşağıdaki düzenlemelerden birinin sizin veya aile "
                  "bireyleriniz için söz konusu olup olmadığını kontrol edin."),
            ("h", "Sürdürülebilir uyum nedeniyle oturma izni (§ 25b AufenthG)"),
            ("p", "Duldung (sınır dışı etmenin geçici olarak askıya alınması) belgesine veya § 104c AufenthG uyarınca "
                  "oturma iznine sahip olan kişiye, Almanya’daki yaşam koşullarına sürdürülebilir biçimde uyum "
                  "sağlamışsa oturma izni verilmelidir. Bunun için kural olarak şunlar gerekir:"),
            ("li", "Duldung, Aufenthaltsgestattung (sığınma işlemi süresince kalış izni) veya oturma izni ile en az "
                   "altı yıllık kesintisiz ikamet – reşit olmayan bekâr bir çocukla aynı hanede yaşıyorsanız en az "
                   "dört yıl,"),
            ("li", "özgürlükçü demokratik temel düzene bağlılık ve Almanya’daki hukuk ve toplum düzeni ile yaşam "
                   "koşulları hakkında temel bilgiler,"),
            ("li", "geçimin ağırlıklı olarak çalışarak sağlanması veya gelecekte bu şekilde sağlanacağına dair haklı "
                   "bir beklenti,"),
            ("li", "yeterli düzeyde sözlü Almanca bilgisi (Avrupa Ortak Dil Referans Çerçevesi A2 seviyesi) ve"),
            ("li", "okul çağındaki çocuklar için fiilen okula devam edildiğinin kanıtlanması."),
            ("p", "Sizinle aile birliği içinde yaşayan eşler, kayıtlı hayat arkadaşları ve reşit olmayan bekâr "
                  "çocuklar da oturma izni alabilir (§ 25b Abs. 4 AufenthG)."),
            ("h", "Uyum sağlamış gençler ve genç yetişkinler (§ 25a AufenthG)"),
            ("p", "En az on iki aydır Duldung belgesine veya § 104c AufenthG uyarınca oturma iznine sahip olan "
                  "gençlere ve genç yetişkinlere, aşağıdaki koşulları karşılamaları hâlinde oturma izni "
                  "verilmelidir:"),
            ("li", "üç yıldır kesintisiz olarak izinli, Duldung ile veya Aufenthaltsgestattung ile Almanya’da "
                   "bulunmak,"),
            ("li", "kural olarak üç yıldır Almanya’da başarıyla okula devam etmek veya burada tanınmış bir okul ya "
                   "da meslek diploması almış olmak,"),
            ("li", "başvuruyu 27 yaşını doldurmadan önce yapmak,"),
            ("li", "Almanya’daki yaşam koşullarına uyum sağlayacaklarının beklenebilmesi ve"),
            ("li", "özgürlükçü demokratik temel düzene bağlı olmadıklarına dair somut bir belirtinin bulunmaması."),
            ("p", "Sınır dışı etme, kişinin kendi yanlış beyanları veya kimliği ya da vatandaşlığı konusunda kendi "
                  "aldatması nedeniyle askıya alınmışsa oturma izni verilmez; § 25b AufenthG bakımından ikametin "
                  "sona erdirilmesi bu şekilde veya makul işbirliği yükümlülüklerinin yerine getirilmemesiyle "
                  "engellenmiş ya da geciktirilmişse veya § 54 Abs. 1 ya da Abs. 2 Nr. 1 veya 2 AufenthG anlamında "
                  "bir sınır dışı etme menfaati varsa da oturma izni verilmez."),
            _ELIGIBLE_IF,
            ("p", "Kayıtlarımızdaki verilerin ilk ve bağlayıcı olmayan bir değerlendirmesine göre koşulları "
                  "{{ eligibility.earliest_date }} tarihinden itibaren karşılıyor olabilirsiniz. Belirleyici olan "
                  "yalnızca başvuru sürecindeki incelemedir."),
            _ENDIF,
            ("p", "Oturma izni yalnızca başvuru üzerine verilir. Lütfen ilk sayfadaki antette yer alan iletişim "
                  "bilgileri üzerinden bir danışma randevusu alın. Pasaportunuzu veya pasaport yerine geçen "
                  "belgenizi, Duldung belgenizi ve varsa çalıştığınıza, Almanca bilginize ve çocuklarınızın okula "
                  "devamına ilişkin belgeleri yanınızda getirin."),
            ("p", "Bu mektup bir bilgilendirmedir, resmî bir karar değildir. Koşulların sizin durumunuzda karşılanıp "
                  "karşılanmadığı ancak başvuru sürecinde incelenir."),
        ],
    },
    "ar": {
        "subject": "إشعار بإمكانية الحصول على حق الإقامة وفقاً للمادتين § 25b و§ 25a من قانون الإقامة (AufenthG)",
        "body": [
            ("p", "وفقاً لسجلاتنا، فإنكم تقيمون في ألمانيا منذ فترة طويلة. ونود أن ننبهكم إلى أنه يمكنكم الحصول على "
                  "تصريح إقامة وفق شروط معينة. يُرجى التحقق مما إذا كان أحد الأحكام التالية قد ينطبق عليكم أو على "
                  "أفراد أسرتكم."),
            ("h", "منح الإقامة بسبب الاندماج المستدام (§ 25b AufenthG)"),
            ("p", "يُمنح تصريح الإقامة من حيث المبدأ للشخص الحاصل على وثيقة Duldung (تعليق الترحيل مؤقتاً) أو على "
                  "تصريح إقامة وفقاً للمادة § 104c AufenthG، إذا كان قد اندمج بشكل مستدام في ظروف الحياة في ألمانيا. "
                  "ويتطلب ذلك عادةً:"),
            ("li", "إقامة متواصلة لمدة ست سنوات على الأقل بوثيقة Duldung أو بتصريح الإقامة أثناء إجراءات اللجوء "
                   "(Aufenthaltsgestattung) أو بتصريح إقامة – أو لمدة أربع سنوات على الأقل إذا كنتم تعيشون في نفس "
                   "المنزل مع طفل قاصر غير متزوج،"),
            ("li", "الالتزام بالنظام الأساسي الديمقراطي الحر ومعرفة أساسية بالنظام القانوني والاجتماعي وظروف المعيشة "
                   "في ألمانيا،"),
            ("li", "تأمين المعيشة بشكل رئيسي من خلال العمل، أو توقعاً مبرراً بأنها ستكون مؤمّنة بهذه الطريقة،"),
            ("li", "معرفة كافية باللغة الألمانية الشفهية (المستوى A2 وفق الإطار الأوروبي المرجعي المشترك للغات)،"),
            ("li", "وبالنسبة للأطفال في سن التعليم الإلزامي، إثبات الحضور الفعلي إلى المدرسة."),
            ("p", "يمكن أيضاً منح تصريح إقامة للزوج أو الزوجة والشريك المسجل والأطفال القاصرين غير المتزوجين الذين "
                  "يعيشون معكم في إطار أسري (§ 25b Abs. 4 AufenthG)."),
            ("h", "اليافعون والشباب البالغون المندمجون جيداً (§ 25a AufenthG)"),
            ("p", "يُمنح تصريح الإقامة من حيث المبدأ لليافعين والشباب البالغين الحاصلين على وثيقة Duldung منذ اثني "
                  "عشر شهراً على الأقل أو على تصريح إقامة وفقاً للمادة § 104c AufenthG، إذا كانوا:"),
            ("li", "يقيمون في ألمانيا بشكل متواصل منذ ثلاث سنوات بإقامة مسموح بها أو بوثيقة Duldung أو بتصريح "
                   "Aufenthaltsgestattung،"),
            ("li", "يرتادون المدرسة في ألمانيا بنجاح منذ ثلاث سنوات كقاعدة عامة، أو حصلوا هنا على شهادة مدرسية أو "
                   "مهنية معترف بها،"),
            ("li", "يقدمون الطلب قبل إتمام السابعة والعشرين من العمر،"),
            ("li", "يُتوقع أن يتمكنوا من الاندماج في ظروف الحياة في ألمانيا،"),
            ("li", "ولا توجد مؤشرات ملموسة على عدم التزامهم بالنظام الأساسي الديمقراطي الحر."),
            ("p", "لا يُمنح تصريح الإقامة إذا كان تعليق الترحيل ناتجاً عن إدلاء الشخص نفسه ببيانات كاذبة أو عن "
                  "تضليله بشأن هويته أو جنسيته، ولا يُمنح وفقاً للمادة § 25b AufenthG أيضاً إذا مُنع إنهاء الإقامة "
                  "أو أُخِّر بهذه الطريقة أو بعدم الوفاء بواجبات التعاون المعقولة، أو إذا وُجدت مصلحة في الإبعاد "
                  "وفقاً للمادة § 54 Abs. 1 أو Abs. 2 Nr. 1 أو 2 AufenthG."),
            _ELIGIBLE_IF,
            ("p", "وفقاً لتقييم أولي غير ملزم للبيانات المحفوظة لدينا، قد تستوفون الشروط اعتباراً من "
                  "{{ eligibility.earliest_date }}. والعبرة فقط بالفحص الذي يتم في إجراءات الطلب."),
            _ENDIF,
            ("p", "لا يُمنح تصريح الإقامة إلا بناءً على طلب. يُرجى حجز موعد للاستشارة عبر بيانات الاتصال المذكورة في "
                  "ترويسة الرسالة في الصفحة الأولى، وإحضار جواز السفر أو بديله ووثيقة Duldung وما يتوفر لديكم من "
                  "إثباتات حول العمل ومعرفة اللغة الألمانية وحضور أطفالكم إلى المدرسة."),
            ("p", "هذه الرسالة إشعار وليست قراراً إدارياً. ولن يتم التحقق من استيفاء الشروط في حالتكم إلا في إطار "
                  "إجراءات الطلب."),
        ],
    },
    "fa": {
        "subject": "اطلاعیه درباره امکان حق اقامت بر اساس § 25b و § 25a قانون اقامت (AufenthG)",
        "body": [
            ("p", "طبق سوابق ما، شما مدت زیادی است که در آلمان به سر می‌برید. به اطلاع شما می‌رسانیم که تحت شرایط "
                  "معینی می‌توانید اجازه اقامت دریافت کنید. لطفاً بررسی کنید که آیا یکی از مقررات زیر ممکن است شامل "
                  "حال شما یا اعضای خانواده‌تان شود."),
            ("h", "اعطای اقامت به دلیل ادغام پایدار (§ 25b AufenthG)"),
            ("p", "به کسی که Duldung (تعلیق موقت اخراج) یا اجازه اقامت بر اساس § 104c AufenthG دارد، در صورتی که "
                  "به‌طور پایدار در شرایط زندگی آلمان ادغام شده باشد، اصولاً باید اجازه اقامت داده شود. این امر "
                  "معمولاً مستلزم موارد زیر است:"),
            ("li", "اقامت بدون وقفه دست‌کم شش ساله با Duldung، با اجازه اقامت در دوران رسیدگی به پناهندگی "
                   "(Aufenthaltsgestattung) یا با اجازه اقامت – یا دست‌کم چهار ساله، اگر با فرزند زیر سن قانونی و "
                   "مجرد در یک خانوار زندگی می‌کنید،"),
            ("li", "تعهد به نظام اساسی آزاد و دموکراتیک و آشنایی پایه با نظام حقوقی و اجتماعی و شرایط زندگی در "
                   "آلمان،"),
            ("li", "تأمین هزینه زندگی عمدتاً از طریق اشتغال، یا انتظار موجه که در آینده به این صورت تأمین شود،"),
            ("li", "تسلط کافی به زبان آلمانی گفتاری (سطح A2 چارچوب مشترک اروپایی مرجع برای زبان‌ها) و"),
            ("li", "برای فرزندان در سن تحصیل اجباری، ارائه مدرک حضور واقعی در مدرسه."),
            ("p", "همسران، شریکان ثبت‌شده و فرزندان زیر سن قانونی و مجردی که با شما در قالب خانواده زندگی می‌کنند نیز "
                  "می‌توانند اجازه اقامت دریافت کنند (§ 25b Abs. 4 AufenthG)."),
            ("h", "نوجوانان و جوانان بزرگسالِ به‌خوبی ادغام‌شده (§ 25a AufenthG)"),
            ("p", "به نوجوانان و جوانان بزرگسالی که دست‌کم دوازده ماه Duldung یا اجازه اقامت بر اساس § 104c AufenthG "
                  "دارند، در صورتی اصولاً باید اجازه اقامت داده شود که:"),
            ("li", "سه سال است به‌طور پیوسته با اجازه، با Duldung یا با Aufenthaltsgestattung در آلمان اقامت دارند،"),
            ("li", "معمولاً سه سال است با موفقیت در آلمان به مدرسه می‌روند یا در اینجا مدرک تحصیلی یا حرفه‌ای معتبر "
                   "گرفته‌اند،"),
            ("li", "درخواست را پیش از رسیدن به 27 سالگی ارائه دهند،"),
            ("li", "انتظار رود که بتوانند در شرایط زندگی آلمان ادغام شوند و"),
            ("li", "نشانه مشخصی وجود نداشته باشد که به نظام اساسی آزاد و دموکراتیک متعهد نیستند."),
            ("p", "اگر تعلیق اخراج به دلیل اظهارات نادرست خود شخص یا فریبکاری خود او درباره هویت یا تابعیتش باشد، "
                  "اجازه اقامت داده نمی‌شود؛ بر اساس § 25b AufenthG همچنین اگر پایان اقامت از این طریق یا با انجام "
                  "ندادن تعهدات معقول همکاری مانع‌تراشی یا به تأخیر انداخته شده باشد، یا منفعت اخراج بر اساس § 54 "
                  "Abs. 1 یا Abs. 2 Nr. 1 یا 2 AufenthG وجود داشته باشد، اجازه اقامت داده نمی‌شود."),
            _ELIGIBLE_IF,
            ("p", "بر اساس ارزیابی اولیه و غیرالزام‌آور داده‌های ثبت‌شده نزد ما، ممکن است شما از تاریخ "
                  "{{ eligibility.earliest_date }} شرایط لازم را داشته باشید. ملاک تنها بررسی در روند رسیدگی به "
                  "درخواست است."),
            _ENDIF,
            ("p", "اجازه اقامت فقط بر اساس درخواست صادر می‌شود. لطفاً از طریق اطلاعات تماس مندرج در سربرگ نامه در "
                  "صفحه نخست وقت مشاوره بگیرید و گذرنامه یا سند جایگزین آن، Duldung و مدارک موجود درباره اشتغال، "
                  "زبان آلمانی و حضور فرزندانتان در مدرسه را همراه بیاورید."),
            ("p", "این نامه یک اطلاعیه است و تصمیم اداری نیست. اینکه شرایط در مورد شما وجود دارد یا نه، تنها در روند "
                  "رسیدگی به درخواست بررسی می‌شود."),
        ],
    },
    "ru": {
        "subject": "Уведомление о возможном праве на пребывание согласно § 25b и § 25a Закона о пребывании "
                   "(AufenthG)",
        "body": [
            ("p", "Согласно нашим данным, вы уже длительное время находитесь в Германии. Обращаем ваше внимание на "
                  "то, что при определенных условиях вы можете получить вид на жительство. Пожалуйста, проверьте, "
                  "может ли одно из следующих положений касаться вас или членов вашей семьи."),
            ("h", "Вид на жительство при устойчивой интеграции (§ 25b AufenthG)"),
            ("p", "Лицу, имеющему Duldung (временную отсрочку депортации) или вид на жительство согласно § 104c "
                  "AufenthG, должен, как правило, выдаваться вид на жительство, если оно устойчиво интегрировалось в "
                  "жизнь в Германии. Как правило, для этого требуется:"),
            ("li", "непрерывное пребывание не менее шести лет с Duldung, разрешением на пребывание на время "
                   "процедуры предоставления убежища (Aufenthaltsgestattung) или видом на жительство — либо не менее "
                   "четырех лет, если вы проживаете в одном домохозяйстве с несовершеннолетним ребенком, не "
                   "состоящим в браке,"),
            ("li", "приверженность свободному демократическому строю и базовые знания правового и общественного "
                   "порядка и условий жизни в Германии,"),
            ("li", "обеспечение средств к существованию преимущественно за счет трудовой деятельности или "
                   "обоснованное ожидание, что оно будет обеспечено таким образом,"),
            ("li", "достаточное владение устным немецким языком (уровень A2 по Общеевропейской шкале языковых "
                   "компетенций) и"),
            ("li", "для детей школьного возраста — подтверждение фактического посещения школы."),
            ("p", "Супруги, зарегистрированные партнеры и несовершеннолетние дети, не состоящие в браке, которые "
                  "живут с вами одной семьей, также могут получить вид на жительство (§ 25b Abs. 4 AufenthG)."),
            ("h", "Хорошо интегрированные подростки и молодые совершеннолетние (§ 25a AufenthG)"),
            ("p", "Подросткам и молодым совершеннолетним, которые не менее двенадцати месяцев имеют Duldung или "
                  "имеют вид на жительство согласно § 104c AufenthG, должен, как правило, выдаваться вид на "
                  "жительство, если они:"),
            ("li", "в течение трех лет непрерывно находятся в Германии на законных основаниях, с Duldung или с "
                   "Aufenthaltsgestattung,"),
            ("li", "как правило, в течение трех лет успешно посещают школу в Германии или получили здесь признанный "
                   "школьный или профессиональный аттестат,"),
            ("li", "подают заявление до достижения 27 лет,"),
            ("li", "по всей видимости, смогут интегрироваться в жизнь в Германии и"),
            ("li", "при отсутствии конкретных признаков того, что они не привержены свободному демократическому "
                   "строю."),
            ("p", "Вид на жительство не выдается, если депортация отсрочена из-за собственных ложных сведений лица "
                  "или его собственного обмана относительно личности или гражданства; согласно § 25b AufenthG он не "
                  "выдается также, если прекращению пребывания препятствовали или его затягивали таким образом или "
                  "невыполнением разумных обязанностей по содействию либо если имеется интерес в высылке согласно "
                  "§ 54 Abs. 1 или Abs. 2 Nr. 1 или 2 AufenthG."),
            _ELIGIBLE_IF,
            ("p", "По результатам первичной, не имеющей обязательной силы оценки хранящихся у нас данных, вы, "
                  "возможно, будете отвечать требованиям с {{ eligibility.earliest_date }}. Решающее значение "
                  "имеет только проверка в ходе рассмотрения заявления."),
            _ENDIF,
            ("p", "Вид на жительство выдается только по заявлению. Пожалуйста, запишитесь на консультацию по "
                  "контактным данным, указанным в шапке письма на первой странице. Возьмите с собой паспорт или "
                  "заменяющий его документ, Duldung, а также имеющиеся подтверждения трудовой деятельности, знания "
                  "немецкого языка и посещения школы вашими детьми."),
            ("p", "Настоящее письмо является уведомлением, а не административным решением. Выполнены ли требования "
                  "в вашем случае, будет проверено только в ходе рассмотрения заявления."),
        ],
    },
    "uk": {
        "subject": "Повідомлення про можливе право на перебування згідно з § 25b і § 25a Закону про перебування "
                   "(AufenthG)",
        "body": [
            ("p", "Згідно з нашими даними, ви вже тривалий час перебуваєте в Німеччині. Звертаємо вашу увагу на те, "
                  "що за певних умов ви можете отримати дозвіл на проживання. Будь ласка, перевірте, чи може одне з "
                  "наведених нижче положень стосуватися вас або членів вашої родини."),
            ("h", "Дозвіл на проживання за сталої інтеграції (§ 25b AufenthG)"),
            ("p", "Особі, яка має Duldung (тимчасове відтермінування депортації) або дозвіл на проживання згідно з "
                  "§ 104c AufenthG, як правило, слід надати дозвіл на проживання, якщо вона стало інтегрувалася в "
                  "життя в Німеччині. Як правило, для цього потрібно:"),
            ("li", "безперервне перебування щонайменше шість років із Duldung, дозволом на перебування на час "
                   "процедури надання притулку (Aufenthaltsgestattung) або дозволом на проживання — або щонайменше "
                   "чотири роки, якщо ви проживаєте в одному домогосподарстві з неповнолітньою дитиною, яка не "
                   "перебуває в шлюбі,"),
            ("li", "відданість вільному демократичному устрою та базові знання правового й суспільного устрою та "
                   "умов життя в Німеччині,"),
            ("li", "забезпечення засобів до існування переважно за рахунок трудової діяльності або обґрунтоване "
                   "очікування, що воно буде забезпечене в такий спосіб,"),
            ("li", "достатнє володіння усною німецькою мовою (рівень A2 за Загальноєвропейськими рекомендаціями з "
                   "мовної освіти) і"),
            ("li", "для дітей шкільного віку — підтвердження фактичного відвідування школи."),
            ("p", "Подружжя, зареєстровані партнери та неповнолітні діти, які не перебувають у шлюбі й живуть з вами "
                  "однією родиною, також можуть отримати дозвіл на проживання (§ 25b Abs. 4 AufenthG)."),
            ("h", "Добре інтегровані підлітки та молоді повнолітні (§ 25a AufenthG)"),
            ("p", "Підліткам і молодим повнолітнім, які щонайменше дванадцять місяців мають Duldung або мають дозвіл "
                  "на проживання згідно з § 104c AufenthG, як правило, слід надати дозвіл на проживання, якщо вони:"),
            ("li", "протягом трьох років безперервно перебувають у Німеччині на законних підставах, із Duldung або з "
                   "Aufenthaltsgestattung,"),
            ("li", "як правило, протягом трьох років успішно відвідують школу в Німеччині або здобули тут визнаний "
                   "шкільний чи професійний атестат,"),
            ("li", "подають заяву до досягнення 27 років,"),
            ("li", "імовірно зможуть інтегруватися в життя в Німеччині і"),
            ("li", "за відсутності конкретних ознак того, що вони не віддані вільному демократичному устрою."),
            ("p", "Дозвіл на проживання не надається, якщо депортацію відтерміновано через власні неправдиві "
                  "відомості особи або її власний обман щодо особи чи громадянства; згідно з § 25b AufenthG він не "
                  "надається також, якщо припиненню перебування перешкоджали чи його затягували в такий спосіб або "
                  "невиконанням розумних обов’язків щодо сприяння або якщо існує інтерес щодо видворення згідно з "
                  "§ 54 Abs. 1 або Abs. 2 Nr. 1 чи 2 AufenthG."),
            _ELIGIBLE_IF,
            ("p", "За результатами первинної оцінки даних, що зберігаються в нас, яка не має обов’язкової сили, ви, "
                  "можливо, відповідатимете вимогам з {{ eligibility.earliest_date }}. Вирішальною є лише "
                  "перевірка під час розгляду заяви."),
            _ENDIF,
            ("p", "Дозвіл на проживання надається лише за заявою. Будь ласка, запишіться на консультацію за "
                  "контактними даними, зазначеними в шапці листа на першій сторінці. Візьміть із собою паспорт або "
                  "документ, що його замінює, Duldung, а також наявні підтвердження трудової діяльності, знання "
                  "німецької мови та відвідування школи вашими дітьми."),
            ("p", "Цей лист є повідомленням, а не адміністративним рішенням. Чи виконано вимоги у вашому випадку, "
                  "буде перевірено лише під час розгляду заяви."),
        ],
    },
}

DOCUMENT_REQUEST = {
    "de": {
        "subject": "Ihr Antrag auf {{ case.type_label }} – Anforderung fehlender Unterlagen",
        "body": [
            ("p", "für die Bearbeitung Ihres Antrags (Aktenzeichen {{ case.file_number }}) benötigen wir noch "
                  "folgende Unterlagen:"),
            ("for", "doc", "documents.missing"),
            ("li", "{{ doc.label }}{% if doc.remark %} – {{ doc.remark }}{% endif %}"),
            ("endfor",),
            ("kv", "Bitte reichen Sie die Unterlagen bis spätestens {{ deadline.date }} bei uns ein."),
            ("p", "Sie können die Unterlagen per Post senden oder zu unseren Öffnungszeiten persönlich abgeben. "
                  "Bitte geben Sie dabei stets Ihr Aktenzeichen an. Von Urkunden in einer fremden Sprache benötigen "
                  "wir zusätzlich eine Übersetzung in die deutsche Sprache."),
            ("p", "Sie sind verpflichtet, die für die Entscheidung erforderlichen Nachweise beizubringen "
                  "({{ case.cooperation_basis }}). Nach Ablauf der Frist vorgelegte Nachweise können unberücksichtigt "
                  "bleiben. Liegen die Unterlagen bis dahin nicht vor, müssen wir über Ihren Antrag nach Aktenlage "
                  "entscheiden; das kann zur Ablehnung führen."),
            ("p", "Wenn Sie die Frist aus einem wichtigen Grund nicht einhalten können, teilen Sie uns dies bitte vor "
                  "Fristablauf mit."),
        ],
    },
    "en": {
        "subject": "Your application ({{ case.legal_basis }}) – request for missing documents",
        "body": [
            ("p", "To process your application (file number {{ case.file_number }}), we still need the documents "
                  "listed in the German text of this letter."),
            ("kv", "Please submit the documents to us by {{ deadline.date }} at the latest."),
            ("p", "You can send the documents by post or hand them in in person during our opening hours. Please "
                  "always quote your file number. For documents in a foreign language, we also need a translation "
                  "into German."),
            ("p", "You are obliged to provide the evidence required for the decision ({{ case.cooperation_basis }}). "
                  "Evidence submitted after the deadline may be disregarded. If the documents have not been received "
                  "by then, we will have to decide on your application on the basis of the file as it stands; this "
                  "may lead to a refusal."),
            ("p", "If you cannot meet the deadline for an important reason, please let us know before it expires."),
        ],
    },
    "tr": {
        "subject": "Başvurunuz ({{ case.legal_basis }}) – eksik belgelerin talep edilmesi",
        "body": [
            ("p", "Başvurunuzun (dosya numarası {{ case.file_number }}) işleme alınabilmesi için bu mektubun Almanca "
                  "metninde listelenen belgelere hâlâ ihtiyacımız var."),
            ("kv", "Lütfen belgeleri en geç {{ deadline.date }} tarihine kadar bize teslim edin."),
            ("p", "Belgeleri posta ile gönderebilir veya çalışma saatlerimizde şahsen teslim edebilirsiniz. Lütfen "
                  "her zaman dosya numaranızı belirtin. Yabancı dildeki belgeler için ayrıca Almanca çeviri de "
                  "gereklidir."),
            ("p", "Karar için gerekli belgeleri sunmakla yükümlüsünüz ({{ case.cooperation_basis }}). Süre dolduktan "
                  "sonra sunulan belgeler dikkate alınmayabilir. Belgeler o tarihe kadar elimize ulaşmazsa "
                  "başvurunuz hakkında dosyadaki mevcut bilgilere göre karar vermek zorunda kalırız; bu durum "
                  "başvurunuzun reddedilmesine yol açabilir."),
            ("p", "Önemli bir nedenle süreye uyamayacaksanız lütfen bunu süre dolmadan önce bize bildirin."),
        ],
    },
    "ar": {
        "subject": "طلبكم ({{ case.legal_basis }}) – طلب المستندات الناقصة",
        "body": [
            ("p", "لمعالجة طلبكم (رقم الملف {{ case.file_number }}) ما زلنا بحاجة إلى المستندات المذكورة في النص "
                  "الألماني لهذه الرسالة."),
            ("kv", "يُرجى تقديم المستندات إلينا في موعد أقصاه {{ deadline.date }}."),
            ("p", "يمكنكم إرسال المستندات بالبريد أو تسليمها شخصياً خلال ساعات الدوام. يُرجى ذكر رقم ملفكم دائماً. "
                  "بالنسبة للوثائق المحررة بلغة أجنبية، نحتاج أيضاً إلى ترجمتها إلى اللغة الألمانية."),
            ("p", "أنتم ملزمون بتقديم الإثباتات اللازمة لاتخاذ القرار ({{ case.cooperation_basis }}). وقد لا تؤخذ "
                  "الإثباتات المقدمة بعد انتهاء المهلة في الاعتبار. وإذا لم تصلنا المستندات حتى ذلك الحين، فسنضطر "
                  "إلى البت في طلبكم بناءً على ما هو موجود في الملف، وقد يؤدي ذلك إلى رفض الطلب."),
            ("p", "إذا لم تتمكنوا من الالتزام بالمهلة لسبب وجيه، يُرجى إبلاغنا بذلك قبل انتهائها."),
        ],
    },
    "fa": {
        "subject": "درخواست شما ({{ case.legal_basis }}) – درخواست مدارک ناقص",
        "body": [
            ("p", "برای رسیدگی به درخواست شما (شماره پرونده {{ case.file_number }}) هنوز به مدارکی که در متن آلمانی "
                  "این نامه فهرست شده‌اند نیاز داریم."),
            ("kv", "لطفاً مدارک را حداکثر تا تاریخ {{ deadline.date }} به ما تحویل دهید."),
            ("p", "می‌توانید مدارک را از طریق پست ارسال کنید یا در ساعات اداری شخصاً تحویل دهید. لطفاً همیشه شماره "
                  "پرونده خود را ذکر کنید. برای اسناد به زبان خارجی، ترجمه آلمانی آن‌ها نیز لازم است."),
            ("p", "شما موظف هستید مدارک لازم برای تصمیم‌گیری را ارائه دهید ({{ case.cooperation_basis }}). مدارکی که "
                  "پس از پایان مهلت ارائه شوند ممکن است در نظر گرفته نشوند. اگر مدارک تا آن زمان به دست ما نرسد، "
                  "ناچار خواهیم بود بر اساس مدارک موجود در پرونده درباره درخواست شما تصمیم بگیریم؛ این امر ممکن است "
                  "به رد درخواست منجر شود."),
            ("p", "اگر به دلیل موجهی نمی‌توانید مهلت را رعایت کنید، لطفاً پیش از پایان مهلت به ما اطلاع دهید."),
        ],
    },
    "ru": {
        "subject": "Ваше заявление ({{ case.legal_basis }}) — запрос недостающих документов",
        "body": [
            ("p", "Для рассмотрения вашего заявления (номер дела {{ case.file_number }}) нам еще необходимы "
                  "документы, перечисленные в немецком тексте настоящего письма."),
            ("kv", "Пожалуйста, представьте документы не позднее {{ deadline.date }}."),
            ("p", "Вы можете отправить документы по почте или передать их лично в часы приема. Пожалуйста, всегда "
                  "указывайте номер вашего дела. К документам на иностранном языке необходимо дополнительно "
                  "приложить перевод на немецкий язык."),
            ("p", "Вы обязаны представить доказательства, необходимые для принятия решения "
                  "({{ case.cooperation_basis }}). Документы, представленные после истечения срока, могут не "
                  "учитываться. Если к этому сроку документы не поступят, мы будем вынуждены принять решение по "
                  "вашему заявлению на основании имеющихся материалов дела; это может привести к отказу."),
            ("p", "Если вы по уважительной причине не можете соблюсти срок, пожалуйста, сообщите нам об этом до его "
                  "истечения."),
        ],
    },
    "uk": {
        "subject": "Ваша заява ({{ case.legal_basis }}) — запит щодо відсутніх документів",
        "body": [
            ("p", "Для розгляду вашої заяви (номер справи {{ case.file_number }}) нам ще потрібні документи, "
                  "перелічені в німецькому тексті цього листа."),
            ("kv", "Будь ласка, подайте документи не пізніше {{ deadline.date }}."),
            ("p", "Ви можете надіслати документи поштою або передати їх особисто в години прийому. Будь ласка, "
                  "завжди зазначайте номер вашої справи. До документів іноземною мовою потрібно додатково додати "
                  "переклад німецькою мовою."),
            ("p", "Ви зобов’язані надати докази, необхідні для ухвалення рішення ({{ case.cooperation_basis }}). "
                  "Документи, подані після закінчення строку, можуть не враховуватися. Якщо до цього строку "
                  "документи не надійдуть, ми будемо змушені ухвалити рішення щодо вашої заяви на підставі наявних "
                  "матеріалів справи; це може призвести до відмови."),
            ("p", "Якщо ви з поважної причини не можете дотриматися строку, будь ласка, повідомте нам про це до його "
                  "закінчення."),
        ],
    },
}

ACKNOWLEDGMENT = {
    "de": {
        "subject": "Eingangsbestätigung – Ihr Antrag auf {{ case.type_label }}",
        "body": [
            ("p", "Ihr Antrag ist am {{ case.received_on }} bei uns eingegangen. Er wird unter dem Aktenzeichen "
                  "{{ case.file_number }} bearbeitet. Bitte geben Sie dieses Aktenzeichen bei allen Rückfragen und "
                  "Schreiben an."),
            ("p", "Nach unserer derzeitigen Einschätzung wird die Bearbeitung voraussichtlich etwa "
                  "{{ processing.months }} Monate dauern. Die tatsächliche Dauer hängt unter anderem davon ab, ob "
                  "Ihre Unterlagen vollständig sind und wann die Stellungnahmen anderer beteiligter Behörden bei uns "
                  "eingehen."),
            ("p", "Fehlen noch Unterlagen, fordern wir diese gesondert schriftlich bei Ihnen an. Im Moment müssen Sie "
                  "nichts weiter unternehmen."),
            ("p", "Bitte teilen Sie uns unverzüglich mit, wenn sich Ihre Anschrift, Ihr Familienstand, Ihre "
                  "Erwerbstätigkeit oder Ihr Aufenthaltsstatus ändern oder wenn gegen Sie ein Ermittlungs- oder "
                  "Strafverfahren eingeleitet wird."),
            ("p", "Diese Eingangsbestätigung ist keine Entscheidung über Ihren Antrag."),
        ],
    },
    "en": {
        "subject": "Acknowledgment of receipt – your application ({{ case.legal_basis }})",
        "body": [
            ("p", "We received your application on {{ case.received_on }}. It is being processed under file number "
                  "{{ case.file_number }}. Please quote this file number in all enquiries and correspondence."),
            ("p", "According to our current estimate, processing is expected to take about {{ processing.months }} "
                  "months. The actual duration depends, among other things, on whether your documents are complete "
                  "and when the statements of other authorities involved reach us."),
            ("p", "If any documents are missing, we will request them from you separately in writing. You do not "
                  "need to do anything else at the moment."),
            ("p", "Please inform us without delay if your address, marital status, employment or residence status "
                  "changes, or if investigative or criminal proceedings are initiated against you."),
            ("p", "This acknowledgment of receipt is not a decision on your application."),
        ],
    },
    "tr": {
        "subject": "Alındı belgesi – başvurunuz ({{ case.legal_basis }})",
        "body": [
            ("p", "Başvurunuz {{ case.received_on }} tarihinde tarafımıza ulaşmıştır ve {{ case.file_number }} dosya "
                  "numarası altında işlem görmektedir. Lütfen tüm sorularınızda ve yazışmalarınızda bu dosya "
                  "numarasını belirtin."),
            ("p", "Mevcut tahminimize göre işlemin yaklaşık {{ processing.months }} ay sürmesi beklenmektedir. "
                  "Gerçek süre, diğer hususların yanı sıra belgelerinizin eksiksiz olup olmadığına ve ilgili diğer "
                  "kurumların görüşlerinin bize ne zaman ulaştığına bağlıdır."),
            ("p", "Eksik belge olması hâlinde bunları sizden ayrıca yazılı olarak talep edeceğiz. Şu anda başka bir "
                  "şey yapmanız gerekmemektedir."),
            ("p", "Adresiniz, medeni durumunuz, çalışma durumunuz veya oturum durumunuz değişirse ya da hakkınızda bir "
                  "soruşturma veya ceza davası başlatılırsa lütfen bunu derhâl bize bildirin."),
            ("p", "Bu alındı belgesi başvurunuz hakkında verilmiş bir karar değildir."),
        ],
    },
    "ar": {
        "subject": "إشعار استلام – طلبكم ({{ case.legal_basis }})",
        "body": [
            ("p", "وصلنا طلبكم بتاريخ {{ case.received_on }}، وتتم معالجته تحت رقم الملف {{ case.file_number }}. "
                  "يُرجى ذكر رقم الملف هذا في جميع الاستفسارات والمراسلات."),
            ("p", "وفقاً لتقديرنا الحالي، يبلغ عدد الأشهر المتوقع لمعالجة الطلب نحو {{ processing.months }}. وتتوقف "
                  "المدة الفعلية على أمور منها اكتمال مستنداتكم وموعد وصول آراء الجهات الأخرى المعنية إلينا."),
            ("p", "إذا كانت هناك مستندات ناقصة، فسنطلبها منكم كتابياً بشكل منفصل. ولا يلزمكم القيام بأي إجراء آخر في "
                  "الوقت الحالي."),
            ("p", "يُرجى إبلاغنا دون تأخير إذا تغير عنوانكم أو حالتكم الاجتماعية أو عملكم أو وضع إقامتكم، أو إذا فُتح "
                  "ضدكم تحقيق أو إجراء جنائي."),
            ("p", "إشعار الاستلام هذا ليس قراراً بشأن طلبكم."),
        ],
    },
    "fa": {
        "subject": "رسید دریافت – درخواست شما ({{ case.legal_basis }})",
        "body": [
            ("p", "درخواست شما در تاریخ {{ case.received_on }} به دست ما رسیده است و با شماره پرونده "
                  "{{ case.file_number }} رسیدگی می‌شود. لطفاً این شماره پرونده را در همه پرسش‌ها و مکاتبات ذکر "
                  "کنید."),
            ("p", "بر اساس برآورد کنونی ما، رسیدگی حدود {{ processing.months }} ماه طول خواهد کشید. مدت واقعی از جمله "
                  "به کامل بودن مدارک شما و زمان رسیدن نظر سایر ادارات مرتبط به ما بستگی دارد."),
            ("p", "اگر مدارکی ناقص باشد، آن‌ها را جداگانه و به صورت کتبی از شما درخواست خواهیم کرد. در حال حاضر لازم "
                  "نیست اقدام دیگری انجام دهید."),
            ("p", "لطفاً در صورت تغییر نشانی، وضعیت تأهل، اشتغال یا وضعیت اقامت خود، یا در صورت آغاز تحقیقات یا پرونده "
                  "کیفری علیه شما، فوراً به ما اطلاع دهید."),
            ("p", "این رسید دریافت، تصمیمی درباره درخواست شما نیست."),
        ],
    },
    "ru": {
        "subject": "Подтверждение получения — ваше заявление ({{ case.legal_basis }})",
        "body": [
            ("p", "Ваше заявление поступило к нам {{ case.received_on }}. Оно рассматривается под номером дела "
                  "{{ case.file_number }}. Пожалуйста, указывайте этот номер дела во всех запросах и письмах."),
            ("p", "По нашей текущей оценке, рассмотрение займет примерно {{ processing.months }} мес. Фактический срок "
                  "зависит, в частности, от полноты ваших документов и от того, когда к нам поступят заключения "
                  "других участвующих ведомств."),
            ("p", "Если каких-либо документов не хватает, мы запросим их у вас отдельно в письменной форме. В "
                  "настоящий момент вам больше ничего не нужно предпринимать."),
            ("p", "Пожалуйста, незамедлительно сообщите нам, если изменятся ваш адрес, семейное положение, трудовая "
                  "деятельность или статус пребывания, а также если против вас будет возбуждено следственное или "
                  "уголовное производство."),
            ("p", "Настоящее подтверждение получения не является решением по вашему заявлению."),
        ],
    },
    "uk": {
        "subject": "Підтвердження отримання — ваша заява ({{ case.legal_basis }})",
        "body": [
            ("p", "Ваша заява надійшла до нас {{ case.received_on }}. Вона розглядається під номером справи "
                  "{{ case.file_number }}. Будь ласка, зазначайте цей номер справи в усіх запитах і листах."),
            ("p", "За нашою поточною оцінкою, розгляд триватиме приблизно {{ processing.months }} міс. Фактичний строк "
                  "залежить, зокрема, від повноти ваших документів і від того, коли до нас надійдуть висновки інших "
                  "залучених установ."),
            ("p", "Якщо бракуватиме якихось документів, ми окремо запитаємо їх у вас у письмовій формі. Наразі вам "
                  "більше нічого не потрібно робити."),
            ("p", "Будь ласка, негайно повідомте нам, якщо зміниться ваша адреса, сімейний стан, трудова діяльність "
                  "або статус перебування, а також якщо проти вас буде розпочато слідче чи кримінальне провадження."),
            ("p", "Це підтвердження отримання не є рішенням щодо вашої заяви."),
        ],
    },
}

CEREMONY_INVITATION = {
    "de": {
        "subject": "Einladung zur Einbürgerungsfeier",
        "body": [
            ("p", "wir freuen uns, Ihnen mitteilen zu können, dass Ihre Einbürgerung bevorsteht. Die "
                  "Einbürgerungsurkunde soll Ihnen im Rahmen einer öffentlichen Einbürgerungsfeier ausgehändigt "
                  "werden (§ 16 Satz 3 StAG). Dazu laden wir Sie herzlich ein:"),
            ("kv", "Datum: {{ ceremony.date }}"),
            ("kv", "Uhrzeit: {{ ceremony.time }} Uhr"),
            ("kv", "Ort: {{ ceremony.place }}"),
            ("p", "Bitte bringen Sie Ihren gültigen Pass oder Passersatz und dieses Schreiben mit. Vor der "
                  "Aushändigung der Urkunde geben Sie das feierliche Bekenntnis nach § 16 Satz 2 StAG ab. Mit der "
                  "Aushändigung der Einbürgerungsurkunde werden Sie deutsche Staatsangehörige oder deutscher "
                  "Staatsangehöriger (§ 16 Satz 1 StAG)."),
            ("p", "Ihre Familie und Ihre Freunde sind herzlich willkommen. Bitte teilen Sie uns bis spätestens eine "
                  "Woche vor der Feier mit, ob Sie teilnehmen und wie viele Gäste Sie begleiten. Können Sie den "
                  "Termin nicht wahrnehmen, vereinbaren wir gern einen anderen Termin für die Aushändigung der "
                  "Urkunde."),
            ("p", "Bitte informieren Sie uns vorher, wenn sich bis zur Aushändigung Umstände ändern, die für Ihre "
                  "Einbürgerung von Bedeutung sein können, zum Beispiel ein eingeleitetes Strafverfahren oder der "
                  "Bezug von Leistungen nach dem SGB II oder SGB XII."),
        ],
    },
    "en": {
        "subject": "Invitation to the naturalization ceremony",
        "body": [
            ("p", "We are pleased to inform you that your naturalization is imminent. Your naturalization certificate "
                  "is to be handed to you at a public naturalization ceremony (§ 16 Satz 3 StAG). We cordially "
                  "invite you to attend:"),
            ("kv", "Date: {{ ceremony.date }}"),
            ("kv", "Time: {{ ceremony.time }}"),
            ("kv", "Place: {{ ceremony.place }}"),
            ("p", "Please bring your valid passport or passport substitute and this letter. Before the certificate is "
                  "handed over, you will make the solemn declaration under § 16 Satz 2 StAG. You become a German "
                  "citizen when the naturalization certificate is handed to you (§ 16 Satz 1 StAG)."),
            ("p", "Your family and friends are very welcome. Please let us know no later than one week before the "
                  "ceremony whether you will attend and how many guests will accompany you. If you cannot attend on "
                  "this date, we will be glad to arrange another appointment for handing over the certificate."),
            ("p", "Please inform us beforehand if circumstances that may be relevant to your naturalization change "
                  "before the certificate is handed over, for example if criminal proceedings are initiated against "
                  "you or you receive benefits under SGB II or SGB XII."),
        ],
    },
    "tr": {
        "subject": "Vatandaşlığa geçiş törenine davet",
        "body": [
            ("p", "Vatandaşlığa geçişinizin yaklaştığını size bildirmekten memnuniyet duyuyoruz. Vatandaşlık belgeniz "
                  "(Einbürgerungsurkunde) size kamuya açık bir vatandaşlığa geçiş töreninde verilecektir (§ 16 "
                  "Satz 3 StAG). Sizi bu törene içtenlikle davet ediyoruz:"),
            ("kv", "Tarih: {{ ceremony.date }}"),
            ("kv", "Saat: {{ ceremony.time }}"),
            ("kv", "Yer: {{ ceremony.place }}"),
            ("p", "Lütfen geçerli pasaportunuzu veya pasaport yerine geçen belgenizi ve bu mektubu yanınızda getirin. "
                  "Belge size verilmeden önce § 16 Satz 2 StAG uyarınca resmî bağlılık beyanında bulunacaksınız. "
                  "Vatandaşlık belgesinin size verilmesiyle Alman vatandaşı olursunuz (§ 16 Satz 1 StAG)."),
            ("p", "Aileniz ve arkadaşlarınız da memnuniyetle karşılanır. Lütfen en geç törenden bir hafta önce katılıp "
                  "katılmayacağınızı ve size kaç misafirin eşlik edeceğini bize bildirin. Bu tarihte "
                  "katılamayacaksanız belgenin teslimi için memnuniyetle başka bir randevu belirleriz."),
            ("p", "Belgenin tesliminden önce vatandaşlığa geçişiniz için önemli olabilecek değişiklikler olursa, "
                  "örneğin hakkınızda bir ceza davası başlatılırsa veya SGB II ya da SGB XII kapsamında yardım "
                  "almaya başlarsanız, lütfen bunu önceden bize bildirin."),
        ],
    },
    "ar": {
        "subject": "دعوة لحضور حفل التجنس",
        "body": [
            ("p", "يسرنا إبلاغكم بأن تجنسكم بات وشيكاً. ستُسلَّم إليكم وثيقة التجنس (Einbürgerungsurkunde) خلال حفل "
                  "تجنس عام (§ 16 Satz 3 StAG)، ويسعدنا أن ندعوكم لحضوره:"),
            ("kv", "التاريخ: {{ ceremony.date }}"),
            ("kv", "الوقت: {{ ceremony.time }}"),
            ("kv", "المكان: {{ ceremony.place }}"),
            ("p", "يُرجى إحضار جواز سفركم الساري أو بديله وهذه الرسالة. وقبل تسليم الوثيقة ستؤدون الإعلان الرسمي "
                  "وفقاً للمادة § 16 Satz 2 StAG. وتصبحون مواطنين ألماناً عند تسليمكم وثيقة التجنس (§ 16 Satz 1 "
                  "StAG)."),
            ("p", "أفراد عائلتكم وأصدقاؤكم مرحَّب بهم. يُرجى إبلاغنا قبل الحفل بأسبوع على الأقل بما إذا كنتم ستحضرون "
                  "وبعدد الضيوف المرافقين لكم. وإذا تعذر عليكم الحضور في هذا الموعد، فيسعدنا تحديد موعد آخر لتسليم "
                  "الوثيقة."),
            ("p", "يُرجى إبلاغنا مسبقاً إذا طرأت قبل تسليم الوثيقة تغييرات قد تكون ذات أهمية لتجنسكم، مثل فتح إجراء "
                  "جنائي ضدكم أو حصولكم على إعانات بموجب SGB II أو SGB XII."),
        ],
    },
    "fa": {
        "subject": "دعوت به جشن اعطای تابعیت",
        "body": [
            ("p", "با خوشحالی به اطلاع شما می‌رسانیم که اعطای تابعیت آلمان به شما نزدیک است. سند تابعیت "
                  "(Einbürgerungsurkunde) در یک جشن عمومی اعطای تابعیت به شما تحویل داده خواهد شد (§ 16 Satz 3 "
                  "StAG). صمیمانه از شما دعوت می‌کنیم:"),
            ("kv", "تاریخ: {{ ceremony.date }}"),
            ("kv", "ساعت: {{ ceremony.time }}"),
            ("kv", "مکان: {{ ceremony.place }}"),
            ("p", "لطفاً گذرنامه معتبر یا سند جایگزین آن و این نامه را همراه داشته باشید. پیش از تحویل سند، اعلامیه "
                  "رسمی بر اساس § 16 Satz 2 StAG را ادا خواهید کرد. شما با تحویل گرفتن سند تابعیت، تبعه آلمان "
                  "می‌شوید (§ 16 Satz 1 StAG)."),
            ("p", "خانواده و دوستان شما نیز خوش‌آمدند. لطفاً حداکثر یک هفته پیش از جشن به ما اطلاع دهید که آیا شرکت "
                  "می‌کنید و چند مهمان همراه شما خواهند بود. اگر نمی‌توانید در این تاریخ حاضر شوید، با کمال میل وقت "
                  "دیگری برای تحویل سند تعیین می‌کنیم."),
            ("p", "لطفاً اگر پیش از تحویل سند تغییراتی رخ دهد که ممکن است برای اعطای تابعیت شما مهم باشد، برای مثال "
                  "آغاز یک پرونده کیفری علیه شما یا دریافت کمک‌های SGB II یا SGB XII، از پیش به ما اطلاع دهید."),
        ],
    },
    "ru": {
        "subject": "Приглашение на торжественную церемонию натурализации",
        "body": [
            ("p", "Мы рады сообщить вам, что ваша натурализация предстоит в ближайшее время. Свидетельство о "
                  "натурализации (Einbürgerungsurkunde) будет вручено вам на публичной церемонии натурализации "
                  "(§ 16 Satz 3 StAG). Сердечно приглашаем вас:"),
            ("kv", "Дата: {{ ceremony.date }}"),
            ("kv", "Время: {{ ceremony.time }}"),
            ("kv", "Место: {{ ceremony.place }}"),
            ("p", "Пожалуйста, возьмите с собой действительный паспорт или заменяющий его документ и это письмо. "
                  "Перед вручением свидетельства вы сделаете торжественное заявление согласно § 16 Satz 2 StAG. "
                  "Гражданство Германии вы приобретаете в момент вручения свидетельства о натурализации (§ 16 Satz 1 "
                  "StAG)."),
            ("p", "Ваши родные и друзья также приглашаются. Пожалуйста, не позднее чем за неделю до церемонии "
                  "сообщите нам, примете ли вы участие и сколько гостей будут вас сопровождать. Если вы не можете "
                  "прийти в этот день, мы охотно назначим другую дату для вручения свидетельства."),
            ("p", "Пожалуйста, заранее сообщите нам, если до вручения свидетельства изменятся обстоятельства, которые "
                  "могут иметь значение для вашей натурализации, например если против вас будет возбуждено "
                  "уголовное производство или вы начнете получать пособия по SGB II или SGB XII."),
        ],
    },
    "uk": {
        "subject": "Запрошення на урочисту церемонію натуралізації",
        "body": [
            ("p", "Ми раді повідомити вам, що ваша натуралізація відбудеться найближчим часом. Свідоцтво про "
                  "натуралізацію (Einbürgerungsurkunde) буде вручено вам на публічній церемонії натуралізації "
                  "(§ 16 Satz 3 StAG). Щиро запрошуємо вас:"),
            ("kv", "Дата: {{ ceremony.date }}"),
            ("kv", "Час: {{ ceremony.time }}"),
            ("kv", "Місце: {{ ceremony.place }}"),
            ("p", "Будь ласка, візьміть із собою дійсний паспорт або документ, що його замінює, і цей лист. Перед "
                  "врученням свідоцтва ви зробите урочисту заяву згідно з § 16 Satz 2 StAG. Громадянство Німеччини "
                  "ви набуваєте в момент вручення свідоцтва про натуралізацію (§ 16 Satz 1 StAG)."),
            ("p", "Ваші рідні та друзі також запрошені. Будь ласка, не пізніше ніж за тиждень до церемонії повідомте "
                  "нам, чи візьмете ви участь і скільки гостей вас супроводжуватимуть. Якщо ви не можете прийти цього "
                  "дня, ми охоче призначимо іншу дату для вручення свідоцтва."),
            ("p", "Будь ласка, заздалегідь повідомте нам, якщо до вручення свідоцтва зміняться обставини, які можуть "
                  "мати значення для вашої натуралізації, наприклад якщо проти вас буде розпочато кримінальне "
                  "провадження або ви почнете отримувати допомогу за SGB II чи SGB XII."),
        ],
    },
}

#: template id -> (manifest data, texts)
TEMPLATES = {
    "naturalization_info": ({
        "title": "Information über die Möglichkeit der Einbürgerung (Kampagne)",
        "letter_type": "information",
        "legal_basis": "§ 10 Abs. 1, § 12a, § 38 Abs. 2 StAG; § 25 Abs. 1 VwVfG NRW",
        "eligibility_basis": "stag_10",
        "case_types": [],
        "requires_case": False,
    }, NATURALIZATION_INFO),
    "residence_info": ({
        "title": "Hinweis auf ein Aufenthaltsrecht nach § 25b / § 25a AufenthG (Hinweispflicht)",
        "letter_type": "duty_to_inform",
        "legal_basis": "§ 25b Abs. 1, 2 und 4, § 25a Abs. 1 AufenthG; § 25 Abs. 1 VwVfG NRW",
        "eligibility_basis": "aufenthg_25b",
        "case_types": [],
        "requires_case": False,
    }, RESIDENCE_INFO),
    "document_request": ({
        "title": "Anforderung fehlender Unterlagen mit Frist",
        "letter_type": "document_request",
        "legal_basis": "§ 82 Abs. 1 AufenthG (für Einbürgerungen in Verbindung mit § 34 Satz 2 StAG); "
                       "Fristberechnung § 31 VwVfG NRW, §§ 187–193 BGB",
        "case_types": [],
        "requires_case": True,
    }, DOCUMENT_REQUEST),
    "acknowledgment": ({
        "title": "Eingangsbestätigung mit voraussichtlicher Bearbeitungsdauer",
        "letter_type": "acknowledgment",
        "legal_basis": "Rechtsgrundlage des jeweiligen Verfahrens (case.legal_basis); § 82 Abs. 1 AufenthG",
        "case_types": [],
        "requires_case": True,
    }, ACKNOWLEDGMENT),
    "ceremony_invitation": ({
        "title": "Einladung zur Einbürgerungsfeier",
        "letter_type": "invitation",
        "legal_basis": "§ 16 StAG",
        "case_types": ["stag_10", "stag_8", "stag_9", "stag_10_2"],
        "requires_case": True,
    }, CEREMONY_INVITATION),
}
