"""Synthetic vocabulary for ``ebh demo``: names by origin, NRW places, offices, street names.

Everything here is made up or a common public word list (frequent first and family names, city names,
postcode ranges). Combinations are random; no record describes a real person.
"""
from __future__ import annotations

import dataclasses
import unicodedata


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(",") if w.strip())


@dataclasses.dataclass(frozen=True)
class Origin:
    key: str
    #: ISO 3166-1 alpha-3 of the nationality ("XKX" is the code used for Kosovo in EU/ICAO practice).
    country: str
    #: ISO 639-1 codes of preferred languages (first = most common).
    languages: tuple[str, ...]
    #: Share of the demo population (relative weight).
    weight: float
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    places: tuple[str, ...]
    #: Life courses (see ebh.demo) with relative weights.
    paths: dict[str, float]
    #: Women take the husband's family name on marriage (their own becomes the birth name).
    wife_takes_name: bool = True
    #: The children's family name is the father's first given name (Eritrean naming).
    patronymic: bool = False
    #: Spelling variants by name (passport vs. earlier documents, German vs. English transliteration).
    variants: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    #: Build German (Duden) transliterations of the ICAO spelling (Shevchenko → Schewtschenko).
    cyrillic: bool = False
    #: Countries of birth other than the nationality (e.g. Afghans born in Iran), with share.
    born_elsewhere: tuple[tuple[str, float], ...] = ()


def _v(text: str) -> dict[str, tuple[str, ...]]:
    """Parse ``"Name: Var1/Var2; Other: Var"`` into a variants dict."""
    result: dict[str, tuple[str, ...]] = {}
    for item in text.split(";"):
        if ":" in item:
            name, variants = item.split(":", 1)
            result[name.strip()] = tuple(v.strip() for v in variants.split("/") if v.strip())
    return result


_ARABIC_VARIANTS = _v(
    "Mohammed: Muhammad/Mohamed/Mohammad/Muhammed; Ahmad: Ahmed/Achmed; Mahmoud: Mahmud/Mahmood;"
    "Khaled: Khalid/Chaled; Youssef: Yusuf/Yousef/Jussuf; Hussein: Husain/Hussain/Hussien; Omar: Umar;"
    "Abdullah: Abdallah/Abdulla; Mustafa: Mostafa/Moustafa; Abdulrahman: Abdul Rahman/Abdelrahman;"
    "Fatima: Fatma/Fatimah; Aisha: Aischa/Ayesha; Mariam: Maryam/Miriam; Noor: Nour/Nur; Zainab: Zeinab/Zaynab;"
    "Al-Hassan: Alhassan/El-Hassan/Al Hasan; Al-Ahmad: Alahmad/Al Ahmad; Al-Ali: Alali/El Ali; Khoury: Khouri/Churi;"
    "Haddad: Hadad; Darwish: Darwich/Derwisch; Qassem: Kassem/Kasem; Al-Khatib: Alkhatib/El-Khatib;"
    "Al-Masri: Almasri/El-Masri; Othman: Osman/Uthman; Sulaiman: Suleiman/Sleiman; Hamoud: Hammoud/Hamud;"
    "Al-Zoubi: Alzoubi/Al-Zubi; Yasmin: Jasmin/Yasmine; Layla: Leila/Laila; Huda: Houda; Hiba: Heba;"
    "Ibrahim: Ebrahim/Ibraheem; Al-Jubouri: Aljuboori/Al-Jaburi; Mahmood: Mahmoud/Mahmud; Qadir: Kadir/Kader;"
    "Salih: Saleh; Abdulla: Abdullah/Abdallah; Haidar: Hayder/Heidar; Hawraa: Haura/Hawra"
)

ORIGINS: tuple[Origin, ...] = (
    Origin(
        "tr", "TUR", ("tr", "ku"), 20.0,
        _words("Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Hasan, İbrahim, İsmail, Murat, Ömer, Yusuf, Emre, Burak, Oğuz,"
               "Çağlar, Serkan, Kemal, Cem, Barış, Tolga, Gökhan, Volkan, Uğur, Selçuk, Ramazan, Osman, Halil,"
               "Süleyman, Doğan, Mehmet Ali, Ali Rıza, Yunus Emre, Fatih, Hakan, Erkan, Orhan, Recep, Şükrü"),
        _words("Ayşe, Fatma, Emine, Hatice, Zeynep, Elif, Meryem, Şerife, Sultan, Zehra, Hülya, Özlem, Gülşen,"
               "Derya, Büşra, Esra, Merve, Şeyma, Tuğba, Gül, Songül, Yasemin, Leyla, Sevgi, Nur, Dilek, Çiğdem,"
               "Aslı, Ebru, İrem, Ayşe Nur, Fatma Zehra, Hacer, Gülcan, Nurcan, Sibel"),
        _words("Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, Arslan, Doğan, Kılıç,"
               "Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek, Polat, Özcan, Korkmaz, Çakır, Erdoğan, Yavuz, Can,"
               "Acar, Şen, Aktaş, Güler, Yalçın, Güneş, Bozkurt, Bulut, Keskin, Ünal, Turan, Gül, Özer, Işık,"
               "Kaplan, Avcı, Sarı, Tekin, Taş, Köse, Yüksel, Ateş, Aksoy, Uçar, Karakaya, Gündoğdu, Bayram,"
               "Erdem, Kahraman, Karataş, Akgül, Öz, Çiftçi, Ekinci, Altıntaş, Tunç, Uysal"),
        _words("İstanbul, Ankara, İzmir, Konya, Kayseri, Gaziantep, Diyarbakır, Erzurum, Trabzon, Samsun, Sivas,"
               "Malatya, Adana, Mardin, Yozgat, Kahramanmaraş, Çorum, Ordu, Tokat, Şanlıurfa, Muş, Bingöl"),
        {"settled": 0.5, "settled_worker": 0.12, "student": 0.1, "spouse_of_german": 0.12, "asylum_recognized": 0.06,
         "duldung": 0.04, "no_case": 0.06},
    ),
    Origin(
        "sy", "SYR", ("ar", "ku"), 13.0,
        _words("Mohammed, Ahmad, Mahmoud, Khaled, Omar, Ali, Hassan, Hussein, Abdullah, Youssef, Ibrahim, Mustafa,"
               "Rami, Fadi, Samer, Tarek, Walid, Amer, Bilal, Hamza, Anas, Majd, Muhannad, Abdulrahman, Moaz, Firas,"
               "Ziad, Jamal, Karim, Abdulkader, Mohammed Ali"),
        _words("Fatima, Aisha, Mariam, Noor, Rasha, Hiba, Rana, Lina, Sara, Huda, Amal, Layla, Yasmin, Reem, Dima,"
               "Ghada, Salma, Zainab, Bushra, Rim, Alaa, Asmaa, Samira, Hanan, Widad, Suha, Nisreen, Ruba, Rahaf"),
        _words("Al-Ahmad, Al-Hassan, Al-Ali, Al-Khalil, Haddad, Khoury, Hamdan, Darwish, Mansour, Al-Masri, Al-Halabi,"
               "Kassab, Shami, Sabbagh, Zein, Najjar, Al-Hussein, Ibrahim, Othman, Al-Saleh, Sulaiman, Youssef,"
               "Hamoud, Al-Jasem, Al-Omar, Abdo, Qassem, Issa, Al-Shaar, Alloush, Al-Khatib, Nasser, Al-Rifai, Tahan,"
               "Al-Zoubi, Barakat, Ghanem, Kurdi, Sheikho, Hasso, Mohammad, Al-Mohammad, Hammo, Bakour"),
        _words("Damaskus, Aleppo, Homs, Hama, Latakia, Idlib, Deir ez-Zor, Raqqa, Daraa, Al-Hasaka, Qamischli, Afrin,"
               "Tartus, Manbidsch, Kobane"),
        {"asylum_recognized": 0.62, "duldung": 0.08, "young": 0.1, "spouse_of_german": 0.05, "student": 0.05,
         "no_case": 0.1},
        wife_takes_name=False,
        variants=_ARABIC_VARIANTS,
        born_elsewhere=(("LBN", 0.02), ("XXA", 0.0)),
    ),
    Origin(
        "af", "AFG", ("fa", "ps"), 4.5,
        _words("Mohammad, Ahmad, Ali, Hamid, Farid, Naser, Javed, Rahim, Karim, Mirwais, Habibullah, Ahmad Shah,"
               "Zabiullah, Sayed, Abdul Wahid, Gul Ahmad, Wahidullah, Shafiq, Jawad, Najibullah, Hekmatullah,"
               "Samiullah, Ehsan, Murtaza, Reza, Mustafa, Rahmatullah"),
        _words("Fatima, Zahra, Mariam, Marzia, Nilofar, Shabnam, Parwana, Fereshta, Soraya, Laila, Mina, Sima,"
               "Zarghona, Malalai, Nazanin, Roya, Hamida, Tahmina, Khadija, Masooma, Freshta, Sakina"),
        _words("Ahmadi, Mohammadi, Hashimi, Rahimi, Karimi, Hussaini, Sultani, Noori, Rezai, Jafari, Popal, Ahmadzai,"
               "Stanikzai, Wardak, Safi, Sadat, Haidari, Amiri, Nazari, Sharifi, Habibi, Azizi, Qaderi, Samadi,"
               "Yousufzai, Durrani, Barakzai, Mangal, Khan, Niazi, Hotak, Mohmand, Sahak, Faizi, Akbari"),
        _words("Kabul, Herat, Mazar-i-Sharif, Kandahar, Dschalalabad, Kundus, Ghazni, Baglan, Maidan Wardak, Parwan,"
               "Bamiyan, Laghman"),
        {"asylum_recognized": 0.38, "duldung": 0.3, "young": 0.17, "no_case": 0.15},
        wife_takes_name=False,
        variants={**_ARABIC_VARIANTS, **_v(
            "Ahmadzai: Ahmadsai/Ahmadzay; Mohammadi: Muhammadi/Mohamadi; Hussaini: Hosseini/Husseini/Hussainy;"
            "Noori: Nouri/Nuri; Rezai: Rezaei/Rezaie; Yousufzai: Yousafzai/Yusufzai; Qaderi: Kaderi/Ghaderi;"
            "Najibullah: Najibulla/Nadschibullah; Zabiullah: Sabiullah/Zabihullah; Habibullah: Habibulla;"
            "Mohammad: Mohammed/Muhammad/Mohamad; Nilofar: Nilufar/Niloufar; Masooma: Masuma/Masoumeh")},
        born_elsewhere=(("IRN", 0.1), ("PAK", 0.05)),
    ),
    Origin(
        "iq", "IRQ", ("ar", "ku"), 4.0,
        _words("Ali, Hussein, Haidar, Mustafa, Ahmed, Karrar, Abbas, Mohammed, Zaid, Saif, Yasser, Sabah, Dilshad,"
               "Azad, Rebwar, Shwan, Kawa, Nawzad, Hoshyar, Jamal, Salam, Falah, Adnan, Ibrahim, Khidr"),
        _words("Zainab, Maryam, Fatima, Hawraa, Noor, Ruqaya, Shahad, Dunya, Sara, Rusul, Avin, Berivan, Nasrin,"
               "Shilan, Sozan, Hana, Zahra, Huda, Shayma, Lana, Nazdar, Jihan, Leyla"),
        _words("Al-Jubouri, Al-Tamimi, Al-Obaidi, Al-Dulaimi, Al-Shammari, Al-Rubaie, Al-Saadi, Al-Zubaidi, Al-Kaabi,"
               "Khoshnaw, Rashid, Hamad, Hassan, Mahmood, Abdulla, Aziz, Karim, Qadir, Salih, Hussein, Jaff, Mirza,"
               "Murad, Khalaf, Haji, Ismail, Khudeda, Qasim, Barakat, Smail"),
        _words("Bagdad, Mossul, Basra, Erbil, Sulaimaniya, Dohuk, Kirkuk, Sindschar, Nadschaf, Kerbela, Falludscha,"
               "Zakho"),
        {"asylum_recognized": 0.45, "duldung": 0.28, "young": 0.1, "no_case": 0.17},
        wife_takes_name=False,
        variants=_ARABIC_VARIANTS,
    ),
    Origin(
        "ir", "IRN", ("fa",), 2.0,
        _words("Reza, Mohammad, Ali, Hossein, Mehdi, Amir, Hamid, Saeed, Majid, Behnam, Dariush, Kourosh, Babak,"
               "Arash, Farhad, Navid, Peyman, Shahram, Omid, Pouya, Siavash, Mojtaba, Ehsan, Kaveh"),
        _words("Maryam, Fatemeh, Zahra, Sara, Narges, Leila, Shirin, Parisa, Nasrin, Mahsa, Negar, Roya, Azadeh,"
               "Golnaz, Bahar, Mina, Samira, Ladan, Elham, Niloufar, Shiva, Mitra"),
        _words("Mohammadi, Hosseini, Ahmadi, Rezaei, Moradi, Karimi, Jafari, Rahimi, Hashemi, Mousavi, Ghorbani,"
               "Sadeghi, Heidari, Kazemi, Abbasi, Zare, Nazari, Asadi, Tehrani, Esfahani, Shirazi, Najafi,"
               "Farahani, Ebrahimi, Bagheri, Amini, Soltani, Khosravi, Tavakoli, Yazdani"),
        _words("Teheran, Isfahan, Schiras, Täbris, Maschhad, Karadsch, Ahvaz, Kermanschah, Rascht, Urmia"),
        {"asylum_recognized": 0.45, "student": 0.3, "duldung": 0.08, "no_case": 0.17},
        wife_takes_name=False,
        variants=_v(
            "Mohammadi: Mohamadi/Muhammadi; Hosseini: Hoseini/Husseini; Mousavi: Musawi/Moussavi;"
            "Rezaei: Rezaie/Rezai; Ghorbani: Qorbani/Gorbani; Fatemeh: Fateme/Fatima; Niloufar: Nilufar/Nilofar;"
            "Hossein: Hosein/Husein/Hussein; Saeed: Said/Saied; Kourosh: Kurosh/Kurosch; Dariush: Darius/Dariusch;"
            "Mohammad: Mohammed/Mohamad; Heidari: Haidari/Heydari"),
    ),
    Origin(
        "ua", "UKR", ("uk", "ru"), 6.0,
        _words("Oleksandr, Andrii, Serhii, Volodymyr, Dmytro, Oleksii, Mykola, Ivan, Yurii, Vasyl, Viktor, Maksym,"
               "Bohdan, Taras, Ihor, Petro, Roman, Artem, Vitalii, Yevhen, Denys, Pavlo"),
        _words("Olena, Nataliia, Tetiana, Iryna, Oksana, Svitlana, Yuliia, Olha, Kateryna, Anastasiia, Mariia,"
               "Liudmyla, Halyna, Viktoriia, Alina, Daryna, Sofiia, Khrystyna, Inna, Valentyna"),
        _words("Shevchenko, Kovalenko, Bondarenko, Tkachenko, Kravchenko, Boiko, Kovalchuk, Oliinyk, Shevchuk,"
               "Polishchuk, Melnyk, Tkachuk, Savchenko, Rudenko, Marchenko, Lysenko, Moroz, Petrenko, Koval,"
               "Klymenko, Pavlenko, Ponomarenko, Kuzmenko, Levchenko, Kharchenko, Zinchenko, Hnatiuk, Yatsenko,"
               "Romanenko, Honcharenko, Kovalskyi, Zhuravskyi"),
        _words("Kyjiw, Charkiw, Odesa, Dnipro, Donezk, Saporischschja, Lwiw, Krywyj Rih, Mykolajiw, Mariupol,"
               "Luhansk, Winnyzja, Cherson, Poltawa, Tschernihiw"),
        {"ukraine_24": 0.7, "student": 0.12, "settled": 0.08, "spouse_of_german": 0.05, "no_case": 0.05},
        variants=_v("Oleksandr: Alexander/Olexandr; Olha: Olga; Serhii: Sergej; Dmytro: Dmitri; Tetiana: Tatjana"),
        cyrillic=True,
    ),
    Origin(
        "ru", "RUS", ("ru",), 2.5,
        _words("Aleksandr, Sergei, Dmitrii, Andrei, Aleksei, Maksim, Ivan, Mikhail, Nikolai, Vladimir, Evgenii,"
               "Pavel, Artem, Roman, Igor, Oleg, Denis, Viktor, Anton, Konstantin, Magomed, Ruslan"),
        _words("Elena, Olga, Natalia, Tatiana, Irina, Svetlana, Ekaterina, Anna, Mariia, Iuliia, Anastasiia,"
               "Liudmila, Galina, Marina, Valentina, Nadezhda, Kseniia, Daria, Madina, Zarema"),
        _words("Ivanov, Smirnov, Kuznetsov, Popov, Vasilev, Petrov, Sokolov, Mikhailov, Novikov, Fedorov, Morozov,"
               "Volkov, Alekseev, Lebedev, Semenov, Egorov, Pavlov, Kozlov, Stepanov, Nikolaev, Orlov, Makarov,"
               "Zakharov, Zaitsev, Umarov, Kadyrov, Dudaev, Bagaev"),
        _words("Moskau, Sankt Petersburg, Nowosibirsk, Jekaterinburg, Kasan, Samara, Omsk, Rostow am Don, Ufa,"
               "Krasnojarsk, Perm, Wolgograd, Tscheljabinsk, Saratow, Grosny, Machatschkala"),
        {"settled": 0.35, "student": 0.2, "asylum_recognized": 0.15, "spouse_of_german": 0.15, "duldung": 0.05,
         "no_case": 0.1},
        variants=_v("Aleksandr: Alexander; Sergei: Sergej/Sergey; Evgenii: Jewgeni/Yevgeny; Tatiana: Tatjana"),
        cyrillic=True,
    ),
    Origin(
        "pl", "POL", ("pl",), 8.0,
        _words("Piotr, Krzysztof, Andrzej, Tomasz, Paweł, Michał, Marcin, Jakub, Łukasz, Grzegorz, Mateusz,"
               "Wojciech, Mariusz, Dariusz, Marek, Adam, Kamil, Zbigniew, Jacek, Sławomir"),
        _words("Anna, Katarzyna, Małgorzata, Agnieszka, Barbara, Ewa, Krystyna, Magdalena, Joanna, Aleksandra,"
               "Monika, Zofia, Beata, Dorota, Justyna, Agata, Elżbieta, Jadwiga, Marta, Natalia"),
        _words("Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański,"
               "Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Kwiatkowski, Krawczyk, Piotrowski, Grabowski,"
               "Nowakowski, Pawłowski, Michalski, Król, Wieczorek, Jabłoński, Wróbel, Majewski, Olszewski,"
               "Stępień, Malinowski, Jaworski, Górecki, Sadowski"),
        _words("Warschau, Krakau, Łódź, Breslau, Posen, Danzig, Stettin, Bydgoszcz, Lublin, Kattowitz, Oppeln,"
               "Gleiwitz, Rzeszów, Kielce"),
        {"eu_citizen": 0.8, "spouse_of_german": 0.1, "no_case": 0.1},
    ),
    Origin(
        "ro", "ROU", ("ro",), 6.0,
        _words("Andrei, Alexandru, Ion, Gheorghe, Mihai, Constantin, Vasile, Ionuț, Florin, Marian, Cristian,"
               "Adrian, Daniel, Ștefan, Nicolae, Bogdan, Răzvan, Cătălin, Sorin, Dumitru"),
        _words("Maria, Elena, Ioana, Ana, Andreea, Mihaela, Gabriela, Cristina, Alexandra, Georgiana, Florentina,"
               "Daniela, Nicoleta, Ramona, Simona, Alina, Roxana, Larisa, Ionela, Bianca"),
        _words("Popescu, Popa, Pop, Radu, Dumitru, Stan, Stoica, Gheorghe, Matei, Ciobanu, Ionescu, Rusu, Munteanu,"
               "Constantin, Marin, Mocanu, Lungu, Dinu, Tudor, Moldovan, Ștefan, Bălan, Florea, Oprea, Iordache,"
               "Sârbu, Toma, Dobre, Ene, Țurcanu, Căldăraru"),
        _words("Bukarest, Cluj-Napoca, Iași, Temeswar, Constanța, Craiova, Brașov, Galați, Ploiești, Oradea, Bacău,"
               "Arad, Pitești, Sibiu, Suceava"),
        {"eu_citizen": 0.85, "spouse_of_german": 0.05, "no_case": 0.1},
        # Romanian documents often use the cedilla letters (Ş, Ţ) instead of the comma below (Ș, Ț).
        variants=_v("Ștefan: Ştefan/Stefan; Ionuț: Ionuţ/Ionut; Țurcanu: Ţurcanu/Turcanu"),
    ),
    Origin(
        "bg", "BGR", ("bg", "tr"), 3.0,
        _words("Georgi, Ivan, Dimitar, Nikolay, Petar, Hristo, Stoyan, Todor, Vasil, Krasimir, Plamen, Aleksandar,"
               "Martin, Yordan, Stefan, Angel, Emil, Kaloyan, Ahmed, Sali"),
        _words("Maria, Ivanka, Elena, Yordanka, Penka, Desislava, Galina, Tsvetelina, Snezhana, Rositsa, Gergana,"
               "Viktoria, Nikol, Teodora, Radka, Silvia, Milena, Kristina, Ayshe, Emine"),
        _words("Ivanov, Georgiev, Dimitrov, Petrov, Nikolov, Hristov, Stoyanov, Todorov, Iliev, Vasilev, Atanasov,"
               "Angelov, Petkov, Kolev, Yordanov, Marinov, Popov, Stefanov, Mihaylov, Krastev, Mehmedov, Aliev,"
               "Asenov, Yusein"),
        _words("Sofia, Plowdiw, Warna, Burgas, Russe, Stara Sagora, Plewen, Sliwen, Pasardschik, Schumen, Kardschali"),
        {"eu_citizen": 0.85, "spouse_of_german": 0.05, "no_case": 0.1},
        variants=_v("Hristo: Christo; Hristov: Christow/Hristow"),
        cyrillic=True,
    ),
    Origin(
        "xk", "XKX", ("sq",), 2.5,
        _words("Arben, Besnik, Driton, Fatmir, Valon, Agim, Blerim, Burim, Ilir, Shkëlzen, Artan, Bekim, Lulzim,"
               "Xhevdet, Mentor, Arbër, Ardian, Florent, Gëzim, Kushtrim, Liridon, Egzon"),
        _words("Arta, Blerta, Drita, Fatime, Valbona, Vjosa, Mimoza, Teuta, Shqipe, Lindita, Albulena, Besa, Donika,"
               "Fjolla, Gresa, Hana, Jehona, Lumnije, Merita, Nora"),
        _words("Krasniqi, Gashi, Berisha, Morina, Shala, Hoxha, Bytyqi, Kryeziu, Hasani, Rexhepi, Ahmeti,"
               "Sylejmani, Mustafa, Beqiri, Haxhiu, Zeqiri, Osmani, Ismaili, Jashari, Kastrati, Bajrami, Selimi,"
               "Kelmendi, Musliu, Avdiu, Hajdari, Shehu, Lleshi"),
        _words("Prishtina, Prizren, Peja, Gjakova, Mitrovica, Ferizaj, Gjilan, Vushtrria, Podujeva, Suhareka"),
        {"duldung": 0.3, "settled": 0.4, "spouse_of_german": 0.1, "young": 0.05, "no_case": 0.15},
        variants=_v("Krasniqi: Krasnići/Krasnici; Hoxha: Hodža/Hodscha; Shala: Šala; Xhevdet: Dževdet/Dschewdet;"
                    "Bytyqi: Bytyći/Bytyci; Sylejmani: Sulejmani/Suleimani; Haxhiu: Hadžiu/Hadschiu"),
        born_elsewhere=(("SRB", 0.15),),
    ),
    Origin(
        "rs", "SRB", ("sr",), 2.0,
        _words("Nikola, Marko, Stefan, Aleksandar, Miloš, Dragan, Zoran, Goran, Dejan, Nenad, Milan, Vladimir,"
               "Srđan, Dušan, Nemanja, Bojan, Željko, Predrag, Slobodan, Miroslav"),
        _words("Milica, Jelena, Ana, Marija, Jovana, Ivana, Snežana, Dragana, Gordana, Vesna, Tijana, Katarina,"
               "Sanja, Biljana, Mirjana, Nataša, Svetlana, Danijela"),
        _words("Jovanović, Petrović, Nikolić, Marković, Đorđević, Stojanović, Ilić, Stanković, Pavlović, Popović,"
               "Živković, Ristić, Kostić, Todorović, Lazić, Milenković, Đukić, Savić, Mitrović, Kovačević, Simić,"
               "Vasić, Radovanović, Tomić, Ramić, Jašarević"),
        _words("Belgrad, Novi Sad, Niš, Kragujevac, Subotica, Leskovac, Vranje, Kraljevo, Čačak, Smederevo, Novi Pazar"),
        {"settled": 0.45, "duldung": 0.25, "spouse_of_german": 0.1, "no_case": 0.2},
        variants=_v("Đorđević: Djordjevic/Djordjewitsch; Đukić: Djukic; Srđan: Srdjan; Jovanović: Jovanovic/Jowanowitsch;"
                    "Petrović: Petrovic/Petrowitsch; Kovačević: Kovacevic/Kowatschewitsch"),
    ),
    Origin(
        "er", "ERI", ("ti",), 1.2,
        _words("Tesfay, Yonas, Mehari, Samuel, Daniel, Filmon, Habtom, Kibrom, Merhawi, Robel, Yohannes, Tekle,"
               "Berhane, Goitom, Amanuel, Henok, Mussie, Senay, Efrem, Dawit"),
        _words("Helen, Senait, Selam, Saba, Lidia, Mebrat, Rahel, Tsega, Abeba, Meron, Yordanos, Hiwet, Feven,"
               "Semhar, Luwam, Winta, Eden, Hermon, Tirhas, Azieb"),
        _words("Tesfamariam, Gebremedhin, Ghebrehiwet, Haile, Tekle, Berhe, Habte, Kidane, Woldu, Mehari,"
               "Ghebreyesus, Tesfaye, Asmerom, Weldemichael, Abraham, Yemane, Okbazghi, Andemariam, Fessehaye,"
               "Zerezghi"),
        _words("Asmara, Keren, Massaua, Mendefera, Dekemhare, Barentu, Adi Keyh, Assab"),
        {"asylum_recognized": 0.7, "duldung": 0.1, "young": 0.1, "no_case": 0.1},
        wife_takes_name=False,
        patronymic=True,
        variants=_v("Gebremedhin: Ghebremedhin/Gebre Medhin/Gebremedin; Tesfay: Tesfaye/Tesfai;"
                    "Weldemichael: Woldemichael/Weldemikael; Ghebreyesus: Gebreyesus; Haile: Hayle; Yohannes: Johannes;"
                    "Ghebrehiwet: Gebrehiwet; Tesfamariam: Tesfa Mariam/Tesfamaryam"),
        born_elsewhere=(("ETH", 0.1), ("SDN", 0.05)),
    ),
    Origin(
        "ng", "NGA", ("en",), 1.2,
        _words("Chinedu, Emeka, Oluwaseun, Tunde, Ibrahim, Abubakar, Chukwuemeka, Olumide, Uchenna, Babatunde,"
               "Ikechukwu, Segun, Femi, Musa, Obinna, Kelechi, Ayodele, Nnamdi, Yusuf, Godwin, Samuel, Daniel"),
        _words("Chioma, Ngozi, Blessing, Funmilayo, Adaeze, Amaka, Folake, Aisha, Nneka, Oluwakemi, Yetunde,"
               "Chiamaka, Precious, Ifeoma, Bukola, Esther, Grace, Halima, Joy, Titilayo"),
        _words("Okafor, Okonkwo, Adeyemi, Okeke, Eze, Nwosu, Ogunleye, Adebayo, Olawale, Bello, Abubakar, Ibrahim,"
               "Nwachukwu, Chukwu, Obi, Uche, Afolabi, Balogun, Ekwueme, Akinola, Oladipo, Okoro, Igwe, Anyanwu,"
               "Usman, Danjuma"),
        _words("Lagos, Abuja, Kano, Ibadan, Port Harcourt, Benin City, Enugu, Onitsha, Kaduna, Owerri, Jos, Abeokuta"),
        {"student": 0.35, "duldung": 0.3, "spouse_of_german": 0.15, "asylum_recognized": 0.05, "no_case": 0.15},
        variants=_v("Eze: Ezeh; Oluwaseun: Seun; Nwachukwu: Nwachuku; Yusuf: Yusuph/Jusuf"),
    ),
    Origin(
        "vn", "VNM", ("vi",), 1.5,
        _words("Văn Hùng, Minh Tuấn, Đức Anh, Quang Huy, Văn Nam, Thanh Tùng, Hoàng Long, Văn Dũng, Ngọc Sơn,"
               "Xuân Trường, Minh Đức, Văn Thắng, Quốc Bảo, Tiến Dũng"),
        _words("Thị Lan, Thị Hương, Thị Mai, Thu Trang, Ngọc Anh, Thị Hoa, Phương Linh, Thị Thu Hà, Thanh Hằng,"
               "Thị Ngọc, Minh Châu, Bích Ngọc, Thị Huyền, Hồng Nhung"),
        _words("Nguyễn, Nguyễn, Nguyễn, Nguyễn, Trần, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ,"
               "Ngô, Dương, Lý"),
        _words("Hanoi, Ho-Chi-Minh-Stadt, Hải Phòng, Đà Nẵng, Nam Định, Thanh Hóa, Nghệ An, Huế, Cần Thơ, Bắc Ninh"),
        {"settled_worker": 0.3, "student": 0.35, "settled": 0.2, "no_case": 0.15},
        wife_takes_name=False,
    ),
    Origin(
        "it", "ITA", ("it",), 4.0,
        _words("Giuseppe, Antonio, Giovanni, Francesco, Salvatore, Mario, Luigi, Vincenzo, Domenico, Angelo, Marco,"
               "Alessandro, Andrea, Luca, Matteo, Roberto, Stefano, Paolo, Gianluca, Davide"),
        _words("Maria, Anna, Giuseppina, Rosa, Angela, Giovanna, Teresa, Lucia, Carmela, Francesca, Giulia, Chiara,"
               "Sara, Martina, Valentina, Alessandra, Federica, Elena, Silvia, Laura"),
        _words("Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo,"
               "Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, Barbieri, Fontana, Santoro,"
               "Mariani, Rinaldi, Caruso, Ferrara, Galli, Martini, Leone, D'Angelo, Lo Russo, Di Stefano"),
        _words("Neapel, Palermo, Bari, Catania, Reggio Calabria, Cosenza, Foggia, Lecce, Agrigento, Avellino,"
               "Salerno, Rom, Mailand, Turin"),
        {"settled_worker": 0.25, "eu_citizen": 0.6, "no_case": 0.15},
        wife_takes_name=False,
        variants=_v("D'Angelo: DAngelo/D Angelo; De Luca: DeLuca; Di Stefano: DiStefano; Lo Russo: LoRusso"),
    ),
    Origin(
        "gr", "GRC", ("el",), 3.0,
        _words("Georgios, Ioannis, Konstantinos, Dimitrios, Nikolaos, Panagiotis, Vasileios, Christos, Athanasios,"
               "Michail, Evangelos, Spyridon, Antonios, Anastasios, Theodoros, Eleftherios, Stavros, Kyriakos"),
        _words("Maria, Eleni, Aikaterini, Vasiliki, Sofia, Angeliki, Georgia, Dimitra, Konstantina, Paraskevi,"
               "Christina, Ioanna, Anastasia, Evangelia, Despoina, Athina, Panagiota, Kalliopi"),
        _words("Papadopoulos, Papadakis, Georgiou, Oikonomou, Vlachos, Angelopoulos, Nikolaidis, Karagiannis,"
               "Dimitriou, Papageorgiou, Konstantinidis, Makris, Pappas, Ioannidis, Christodoulou, Athanasiou,"
               "Vasileiou, Alexiou, Antoniou, Kyriakidis, Theodorou, Sotiriou, Panagiotopoulos"),
        _words("Thessaloniki, Athen, Kavala, Drama, Serres, Ioannina, Larisa, Volos, Patras, Kozani, Kilkis, Veria"),
        {"settled_worker": 0.3, "eu_citizen": 0.55, "no_case": 0.15},
        wife_takes_name=False,
        variants=_v("Georgios: Georg/Giorgos; Ioannis: Giannis/Jannis; Papadopoulos: Papadopulos;"
                    "Aikaterini: Ekaterini/Katerina; Oikonomou: Ikonomou/Economou; Dimitrios: Demetrios/Dimitris;"
                    "Christodoulou: Christodulu"),
    ),
    Origin(
        "ma", "MAR", ("ar", "fr"), 2.0,
        _words("Mohamed, Ahmed, Youssef, Rachid, Mustapha, Said, Hassan, Abdelaziz, Karim, Driss, Hamid, Khalid,"
               "Nabil, Samir, Mourad, Hicham, Abdelkader, Jamal"),
        _words("Fatima, Khadija, Aicha, Naima, Malika, Samira, Nadia, Latifa, Zineb, Hafsa, Salma, Meryem, Souad,"
               "Hanane, Loubna, Siham"),
        _words("El Amrani, Benali, Bouzid, El Idrissi, Alaoui, Bennani, El Fassi, Ouazzani, Tazi, Berrada, Chraibi,"
               "El Khatib, Ait Ali, Amrani, Haddaoui, Azzouzi, Boukhari, Lahlou, Ziani"),
        _words("Casablanca, Rabat, Tanger, Nador, Al Hoceima, Oujda, Fès, Marrakesch, Tétouan, Agadir"),
        {"settled": 0.45, "spouse_of_german": 0.15, "student": 0.15, "duldung": 0.05, "no_case": 0.2},
        wife_takes_name=False,
        variants=_v("El Amrani: Elamrani/Al-Amrani; El Idrissi: Elidrissi/Idrissi; Mohamed: Mohammed/Muhammad;"
                    "Aicha: Aisha/Aischa; Youssef: Yussef/Jussuf"),
    ),
)

#: German (Duden) transliteration of the ICAO spellings of Cyrillic names: longest match first.
_DUDEN = (
    ("shch", "schtsch"), ("zh", "sch"), ("kh", "ch"), ("ch", "tsch"), ("sh", "sch"), ("ts", "z"),
    ("yu", "ju"), ("iu", "ju"), ("ya", "ja"), ("ia", "ja"), ("ye", "je"), ("ie", "je"), ("yi", "yj"),
    ("ii", "ij"), ("v", "w"), ("z", "s"),
)


def duden(name: str) -> str:
    """German transliteration of an ICAO-transliterated Cyrillic name (Shevchenko → Schewtschenko)."""
    out = []
    for word in name.split(" "):
        lowered, i, parts = word.lower(), 0, []
        while i < len(lowered):
            for src, dst in _DUDEN:
                if lowered.startswith(src, i):
                    parts.append(dst)
                    i += len(src)
                    break
            else:
                parts.append(lowered[i])
                i += 1
        text = "".join(parts)
        out.append(text[:1].upper() + text[1:])
    return " ".join(out)


def ascii_spelling(name: str) -> str:
    """The spelling without diacritics, as in an MRZ or on older German documents (Yılmaz → Yilmaz)."""
    name = name.translate(str.maketrans({"ı": "i", "İ": "I", "ł": "l", "Ł": "L", "đ": "dj", "Đ": "Dj", "ß": "ss"}))
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def german_umlaut_spelling(name: str) -> str:
    """Umlauts written out (Öztürk → Oeztuerk), as on forms without umlaut support."""
    replaced = name.translate(str.maketrans({"ö": "oe", "ü": "ue", "ä": "ae", "Ö": "Oe", "Ü": "Ue", "Ä": "Ae"}))
    return ascii_spelling(replaced)


def feminine(origin: str, family: str) -> str:
    """The female form of a family name where the language has one (Ivanov → Ivanova, Kowalski → Kowalska)."""
    if origin in ("ru", "bg"):
        if family.endswith(("ov", "ev", "in")):
            return family + "a"
        if family.endswith("skii"):
            return family[:-4] + "skaia"
    if origin == "ua" and family.endswith("skyi"):
        return family[:-4] + "ska"
    if origin == "pl" and family.endswith(("ski", "cki", "dzki")):
        return family[:-1] + "a"
    if origin == "gr":
        if family.endswith("os"):
            return family[:-2] + "ou"
        if family.endswith("is") or family.endswith("as"):
            return family[:-1]
    return family


@dataclasses.dataclass(frozen=True)
class Place:
    city: str
    postcodes: tuple[int, int]
    districts: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class OfficeSpec:
    code: str
    name: str
    kind: str  # EBH, ABH, BOTH
    street: str
    postcode: str
    city: str
    pattern: str
    #: Relative size (share of persons).
    weight: float
    places: tuple[Place, ...]


_KOELN = Place("Köln", (50667, 51149), _words("Innenstadt, Rodenkirchen, Lindenthal, Ehrenfeld, Nippes, Chorweiler, Porz,"
                                               "Kalk, Mülheim"))
_DUESSELDORF = Place("Düsseldorf", (40210, 40629), _words("Altstadt, Bilk, Oberbilk, Eller, Benrath, Garath, Gerresheim,"
                                                           "Rath, Flingern, Derendorf, Wersten, Hassels"))

OFFICES: tuple[OfficeSpec, ...] = (
    OfficeSpec("KOE", "Stadt Köln – Ausländer- und Einbürgerungsbehörde", "BOTH", "Demoweg 1", "50679", "Köln",
               "{office}-{prefix}-{year}-{seq:05d}", 34, (_KOELN,)),
    OfficeSpec("DUE", "Landeshauptstadt Düsseldorf – Einbürgerungsbehörde", "EBH", "Musterstraße 2", "40227",
               "Düsseldorf", "{prefix}/{year}/{seq:06d}", 14, (_DUESSELDORF,)),
    OfficeSpec("DUA", "Landeshauptstadt Düsseldorf – Ausländerbehörde", "ABH", "Musterstraße 4", "40227",
               "Düsseldorf", "{office}-{year}-{seq:06d}-{prefix}", 14, (_DUESSELDORF,)),
    OfficeSpec("BN", "Bundesstadt Bonn – Ausländer- und Einbürgerungsbehörde", "BOTH", "Beispielplatz 3", "53111",
               "Bonn", "{office}-{prefix}-{year}-{seq:05d}", 12,
               (Place("Bonn", (53111, 53229), _words("Bonn-Zentrum, Bad Godesberg, Beuel, Hardtberg, Tannenbusch,"
                                                      "Duisdorf")),)),
    OfficeSpec("ME", "Kreis Mettmann – Ausländerbehörde", "ABH", "Probeweg 5", "40822", "Mettmann",
               "{office}.{prefix}.{seq:05d}/{year}", 12,
               (Place("Ratingen", (40878, 40885)), Place("Velbert", (42549, 42555)), Place("Hilden", (40721, 40724)),
                Place("Langenfeld (Rheinland)", (40764, 40764)), Place("Monheim am Rhein", (40789, 40789)),
                Place("Erkrath", (40699, 40699)), Place("Haan", (42781, 42781)), Place("Heiligenhaus", (42579, 42579)),
                Place("Mettmann", (40822, 40822)), Place("Wülfrath", (42489, 42489)))),
    OfficeSpec("E", "Stadt Essen – Ausländer- und Einbürgerungsbehörde", "BOTH", "Testallee 6", "45127", "Essen",
               "{office}-{prefix}-{year}-{seq:05d}", 16,
               (Place("Essen", (45127, 45359), _words("Stadtkern, Altenessen, Katernberg, Steele, Rüttenscheid,"
                                                       "Borbeck, Kray")),)),
    OfficeSpec("DO", "Stadt Dortmund – Einbürgerungsbehörde", "EBH", "Übungsstraße 7", "44135", "Dortmund",
               "{office}/{prefix}/{year}/{seq:05d}", 16,
               (Place("Dortmund", (44135, 44388), _words("Innenstadt-Nord, Innenstadt-West, Eving, Scharnhorst,"
                                                          "Hörde, Huckarde, Mengede")),)),
    OfficeSpec("MS", "Stadt Münster – Ausländer- und Einbürgerungsbehörde", "BOTH", "Musterring 8", "48143",
               "Münster", "{office}-{prefix}-{year}-{seq:05d}", 8,
               (Place("Münster", (48143, 48167), _words("Mitte, Hiltrup, Kinderhaus, Coerde, Gievenbeck,"
                                                         "Angelmodde")),)),
)

_STREET_STEMS = _words(
    "Linden, Birken, Eichen, Ahorn, Kastanien, Rosen, Tulpen, Mühlen, Kirch, Schul, Garten, Berg, Wald, Feld, Bach,"
    "Brunnen, Markt, Post, Bahnhof, Schiller, Goethe, Heine, Beethoven, Mozart, Friedens, Sonnen, Wiesen, Hof, Burg,"
    "Kloster, Rhein, Wupper, Ruhr, Erft, Sieg, Lerchen, Amsel, Finken, Drossel, Eulen, Falken, Weiden, Eschen,"
    "Holunder, Flieder, Nelken, Veilchen, Kamillen, Brücken, Hafen, Zechen, Glück-Auf-, Stollen, Weber, Schmiede,"
    "Gerber, Töpfer, Zimmerer, Hansa, Kaiser, Königs, Grafen, Ritter, Jäger"
)
_STREET_SUFFIXES = _words("straße, straße, straße, weg, weg, allee, ring, gasse, platz, pfad, str.")
STREETS: tuple[str, ...] = tuple(stem + suffix for stem in _STREET_STEMS for suffix in _STREET_SUFFIXES)

NOTE_TEXTS: tuple[str, ...] = (
    "Antrag vollständig eingegangen.", "Unterlagen zur Prüfung an das Sachgebiet weitergeleitet.",
    "Telefonische Rückfrage zum Einkommensnachweis.", "Termin zur Vorsprache vereinbart.",
    "Sprachzertifikat im Original vorgelegt.", "Rentenversicherungsverlauf nachgefordert.",
    "Vorsprache erfolgt, Unterlagen gesichtet.", "Erinnerung an ausstehende Unterlagen versandt.",
    "Stellungnahme der Ausländerbehörde angefordert.", "Rückmeldung der Sicherheitsbehörden abgewartet.",
    "Bescheinigung über den Schulbesuch der Kinder liegt vor.", "Gebühr per Überweisung eingegangen.",
)
