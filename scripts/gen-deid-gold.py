#!/usr/bin/env python3
"""Writes the synthetic de-identification gold set: tests/golden/deid/note_NNN.txt.

Every identifier is marked inline as [[TYPE|text]] (types as in
include/medcode/deid.h). The notes are synthetic: names, places and numbers
are drawn from the pools below (written independently of the detector's word
lists in data/deid/, and including names the lists do not hold), formats vary
per note, and clinical eponyms, drug names and ages under 90 are planted
unmarked to measure precision. Deterministic (seeded); rerun only to change
the set, never to fit the detector.
"""
import os, random, sys

R = random.Random(20261127)
FIRST = """Aaliyah Abdul Adaeze Agnieszka Ahmed Aiko Alejandro Alexei Amara Anand Anneliese Arjun
Astrid Beatriz Bogdan Brandon Bridget Caleb Camille Carmen Chidi Chloe Clarence Colm Consuelo Dagny
Darnell Deepa Dmitri Dolores Eamon Ebony Efua Eleni Elif Emeka Esperanza Ethan Fatima Fernando Fiona
Gareth Giulia Gwendolyn Hamid Hannah Haruto Hector Helga Ibrahim Imani Ingrid Isabela Jamal Jasper
Javier Jia Joaquin Jolene Jorge Juniper Kai Kalani Kateryna Keanu Kenji Khadija Kofi Lakshmi Laszlo
Latoya Leilani Lorenzo Lucinda Magnus Mahmoud Malik Marisol Mateo Maura Mei Mildred Mohammed Nadia
Naveen Nkechi Noor Oksana Olufemi Orla Oscar Padma Pablo Priya Quentin Rashid Reggie Rhiannon
Rosalind Ruth Saanvi Santiago Saoirse Sebastian Shanice Siobhan Soren Sunita Tamika Tariq Thaddeus
Theodora Tobias Tomasz Ursula Valentina Vikram Wendell Ximena Yaw Yesenia Yuki Zainab Zoltan Walter
Margaret Robert Linda James Patricia Michael Susan David Karen William Dorothy Richard Betty""".split()
LAST = """Abernathy Achebe Adeyemi Agarwal Albrecht Alvarado Andersson Antonelli Appiah Arbuckle Ashworth
Baptiste Barrientos Bartholomew Bauer Bhattacharya Blackwood Bogdanovic Brannigan Castellanos Chaudhary
Chen Ciccone Delgado Demir Dubois Eriksen Esposito Fairbanks Faulkner Fitzgerald Fonseca Gallagher
Garcia Gebremedhin Goldberg Grabowski Haddad Halvorsen Hawthorne Hernandez Hoang Ishikawa Ivanova
Jablonski Johansson Kaczmarek Kapoor Kawasaki Kim Kowalczyk Kuznetsov Lachance Lindqvist Lopez
MacPherson Maldonado Marchetti McAllister Mendoza Moreau Mukherjee Nakamura Nguyen Novak Nwachukwu
Obi Okafor Okonkwo O'Sullivan Oyelaran Pacheco Papadopoulos Patel Pellegrino Petrov Quintero
Rademacher Ramirez Rasmussen Reyes Rosenthal Sadowski Santangelo Schmidt Sato Shevchenko Silva
Sokolowski Stavros Sullivan Takahashi Thorne Trujillo Underhill Vasquez Villanueva Wainwright
Washington Whitfield Wojcik Xiong Yamamoto Yilmaz Zielinski Zimmerman Smith Johnson Williams Brown
Miller Davis Wilson Taylor Thomas Moore Martin Jackson White Harris Clark Lewis Walker Young King""".split()
STREETS = """Maple Oak Elm Cedar Willow Birch Chestnut Sycamore Magnolia Juniper Highland Lakeview Ridgewood
Fairview Hillcrest Orchard Sunset Riverside Meadowbrook Prospect Franklin Jefferson Lincoln Harbor
Beacon Greenwood Pleasant Washington Madison Spruce""".split()
SUFFIX = ["Street", "St.", "Avenue", "Ave", "Road", "Rd", "Boulevard", "Blvd", "Lane", "Drive", "Dr.",
          "Court", "Way", "Place", "Terrace", "Circle", "Parkway"]
CITIES = [("Springfield", "IL", "627"), ("Dayton", "OH", "454"), ("Worcester", "MA", "016"),
          ("Tucson", "AZ", "857"), ("Lubbock", "TX", "794"), ("Boise", "ID", "837"),
          ("Savannah", "GA", "314"), ("Spokane", "WA", "992"), ("Burlington", "VT", "054"),
          ("Fresno", "CA", "937"), ("Trenton", "NJ", "086"), ("Knoxville", "TN", "379"),
          ("Madison", "WI", "537"), ("Albany", "NY", "122"), ("Eugene", "OR", "974"),
          ("Bangor", "ME", "044"), ("Duluth", "MN", "558"), ("Reno", "NV", "895"),
          ("Cheyenne", "WY", "820"), ("Tulsa", "OK", "741"), ("Portland", "ME", "041"),
          ("Scranton", "PA", "185"), ("Flagstaff", "AZ", "860"), ("Asheville", "NC", "288"),
          ("Fort Collins", "CO", "805"), ("Cedar Rapids", "IA", "524"), ("Sioux Falls", "SD", "571"),
          ("Grand Rapids", "MI", "495"), ("Baton Rouge", "LA", "708"), ("Ann Arbor", "MI", "481")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
DOWS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EPONYM_SENTENCES = [
    "History of Parkinson disease on carbidopa-levodopa.", "Known Hodgkin lymphoma in remission.",
    "Wilson disease was excluded by ceruloplasmin.", "Mother had Alzheimer dementia.",
    "Crohn's disease, quiescent on infliximab.", "Down syndrome with baseline cognitive delay.",
    "Graves disease treated with methimazole.", "Bell's palsy in the past, resolved.",
    "Cushing syndrome was considered and ruled out.", "Addison disease on hydrocortisone.",
    "Murphy's sign negative.", "Foley catheter removed on day two.", "Glasgow Coma Scale 15.",
    "Apgar scores were 8 and 9.", "Barrett esophagus on surveillance.", "Raynaud phenomenon noted.",
    "Hashimoto thyroiditis on levothyroxine.", "Guillain-Barre syndrome was considered.",
    "Homans sign absent.", "Trendelenburg position used for the line.", "Wells score low.",
    "Jones fracture of the fifth metatarsal.", "Kawasaki disease as a child.",
    "Started Eliquis and Lasix.", "Continue Lipitor, Norvasc and Zoloft.",
    "Tylenol as needed; avoid Motrin.", "Gleason score 7 on biopsy.", "Hartmann procedure in 2019.",
    "Stevens-Johnson syndrome from sulfa in 2011.", "Tinel sign positive at the wrist.",
]

def pick(xs): return R.choice(xs)
def m(t, s): return "[[%s|%s]]" % (t, s)
def digits(k): return "".join(R.choice("0123456789") for _ in range(k))
def letters(k): return "".join(R.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(k))

class Person:
    def __init__(self):
        self.first, self.last = pick(FIRST), pick(LAST)
        self.mi = R.choice("ABCDEFGHJKLMNPRSTW")
    def full(self):
        f = R.randrange(6)
        if f == 0: return m("NAME", "%s %s" % (self.first, self.last))
        if f == 1: return m("NAME", "%s, %s" % (self.last, self.first))
        if f == 2: return m("NAME", "%s %s" % (self.first.upper(), self.last.upper()))
        if f == 3: return m("NAME", "%s %s. %s" % (self.first, self.mi, self.last))
        if f == 4: return m("NAME", "%s, %s %s." % (self.last.upper(), self.first.upper(), self.mi))
        return m("NAME", "%s %s" % (self.first, self.last))
    def plain(self): return m("NAME", "%s %s" % (self.first, self.last))
    def titled(self, title=None):
        title = title or pick(["Mr.", "Mrs.", "Ms.", "Mr", "Ms"])
        return "%s %s" % (title, m("NAME", self.last))
    def lastonly(self): return m("NAME", self.last)
    def firstonly(self): return m("NAME", self.first)

class Doc(Person):
    def ref(self):
        f = R.randrange(5)
        if f == 0: return "Dr. " + m("NAME", self.last)
        if f == 1: return "Dr. " + m("NAME", "%s %s" % (self.first, self.last))
        if f == 2: return m("NAME", "%s %s" % (self.first, self.last)) + ", " + pick(["MD", "M.D.", "DO", "NP", "PA-C"])
        if f == 3: return m("NAME", "%s %s. %s" % (self.first, self.mi, self.last)) + ", MD"
        return "Dr. " + m("NAME", "%s. %s" % (self.first[0], self.last))

def date():
    y, mo, d = R.randrange(2015, 2026), R.randrange(1, 13), R.randrange(1, 29)
    f = R.randrange(12)
    if f == 0: s = "%02d/%02d/%d" % (mo, d, y)
    elif f == 1: s = "%d/%d/%02d" % (mo, d, y % 100)
    elif f == 2: s = "%d-%02d-%02d" % (y, mo, d)
    elif f == 3: s = "%s %d, %d" % (MONTHS[mo-1][:3], d, y)
    elif f == 4: s = "%s %d, %d" % (MONTHS[mo-1], d, y)
    elif f == 5: s = "%d %s %d" % (d, MONTHS[mo-1], y)
    elif f == 6: s = "%02d-%s-%d" % (d, MONTHS[mo-1][:3].upper(), y)
    elif f == 7: s = "%s, %s %d, %d" % (pick(DOWS), MONTHS[mo-1], d, y)
    elif f == 8: s = "%d-%d-%d" % (mo, d, y)
    elif f == 9: s = "%s %d%s" % (MONTHS[mo-1], d, "th" if d > 3 and d < 21 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th"))
    elif f == 10: s = "%d.%d.%d" % (mo, d, y)
    else: s = "%s %d" % (MONTHS[mo-1], d)
    return m("DATE", s)
def dob():
    y, mo, d = R.randrange(1925, 2005), R.randrange(1, 13), R.randrange(1, 29)
    return m("DATE", pick(["%02d/%02d/%d" % (mo, d, y), "%d/%d/%d" % (mo, d, y), "%d-%02d-%02d" % (y, mo, d),
                           "%s %d, %d" % (MONTHS[mo-1], d, y)]))
def phone():
    a, b, c = R.randrange(201, 990), R.randrange(200, 999), R.randrange(0, 10000)
    f = R.randrange(7)
    s = ["(%d) %d-%04d", "%d-%d-%04d", "%d.%d.%04d", "+1 %d %d %04d", "1-%d-%d-%04d", "%d %d %04d", "(%d)%d-%04d"][f] % (a, b, c)
    if R.random() < 0.15: s += " ext. %d" % R.randrange(100, 999)
    return s
def ph(): return m("PHONE", phone())
def fax(): return m("FAX", phone())
def email(p):
    dom = pick(["gmail.com", "yahoo.com", "outlook.com", "mail.net", "icloud.com", "hospital.org", "clinic.health"])
    return m("EMAIL", pick(["%s.%s@%s", "%s%s@%s", "%s_%s@%s"]) % (p.first.lower(), p.last.lower().replace("'", ""), dom) if R.random() < .8 else "%s%s@%s" % (p.first[0].lower(), p.last.lower().replace("'", ""), dom))
def ssn():
    f = R.randrange(4)
    a, b, c = R.randrange(100, 899), R.randrange(10, 99), R.randrange(1000, 9999)
    return m("SSN", ["%d-%d-%d", "%d %d %d", "%d%d%d", "xxx-xx-%d"][f] % ((a, b, c) if f < 3 else (c,)))
def mrn():
    return m("MRN", pick([digits(8), digits(7), "%s-%s" % (digits(4), digits(4)), letters(1) + digits(7), "MR" + digits(6), digits(10)]))
def hp():
    return m("HEALTHPLAN", pick([letters(3) + digits(9), "%s%s%s-%s%s%s-%s%s%s" % (R.randrange(1, 9), letters(1), R.randrange(10), letters(1), letters(1), R.randrange(10), letters(2), R.randrange(10), R.randrange(10)),
                                "%s-%s-%s" % (letters(3), digits(5), digits(2)), digits(9) + letters(1), "W" + digits(8)]))
def acct(): return m("ACCOUNT", pick([digits(8), "%s-%s" % (digits(4), digits(4)), digits(10), "%s-%s" % (digits(5), digits(3)), "A" + digits(9)]))
def lic():
    return pick([("DEA #", m("LICENSE", letters(2) + digits(7))), ("NPI", m("LICENSE", digits(10))),
                 ("License #:", m("LICENSE", "%s-%s" % (pick(["MD", "RN", "PA"]), digits(5)))),
                 ("driver's license", m("LICENSE", letters(1) + digits(7))),
                 ("Certificate No.", m("LICENSE", "%d-%s" % (R.randrange(2000, 2025), digits(5)))),
                 ("state license number", m("LICENSE", digits(6)))])
def vehicle():
    vin = "".join(R.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(17))
    vin = vin[:5] + str(R.randrange(10)) + vin[6:]
    return pick([("VIN", m("VEHICLE", vin)), ("license plate", m("VEHICLE", "%d%s%s" % (R.randrange(1, 9), letters(3), digits(3)))),
                 ("plate number", m("VEHICLE", "%s-%s" % (letters(3), digits(4)))), ("vehicle identification number", m("VEHICLE", vin))])
def device():
    return pick([("serial number", m("DEVICE", letters(2) + digits(8))), ("S/N:", m("DEVICE", "%s%s-%s" % (digits(2), letters(1), digits(5)))),
                 ("Device ID:", m("DEVICE", "%s-%s-%s" % (letters(3), digits(4), digits(4)))), ("serial #", m("DEVICE", digits(9))),
                 ("UDI", m("DEVICE", "(01)%s(21)%s" % (digits(14), digits(6))))])
def url(p):
    return m("URL", pick(["https://www.%s-family.com/photos" % p.last.lower().replace("'", ""), "http://portal.%shealth.org/patient/%s" % (pick(["mercy", "valley", "summit"]), digits(5)),
                          "www.%s%s.net" % (p.first.lower(), p.last.lower().replace("'", "")), "https://mychart.example-hospital.org/visit?id=%s" % digits(6)]))
def ip():
    if R.random() < 0.8:
        return m("IP", "%d.%d.%d.%d" % (R.randrange(1, 223), R.randrange(256), R.randrange(256), R.randrange(1, 255)))
    return m("IP", "2001:db8:%x:%x::%x" % (R.randrange(65536), R.randrange(65536), R.randrange(1, 65536)))
def biometric():
    return pick([("Fingerprint ID:", m("BIOMETRIC", "FP-%s-%s" % (digits(4), digits(4)))), ("voiceprint #", m("BIOMETRIC", "VP" + digits(6))),
                 ("retinal scan ID", m("BIOMETRIC", "RS-" + digits(5))), ("biometric template", m("BIOMETRIC", "BT%s%s" % (digits(3), letters(2) + digits(3))))])
def photo():
    return pick([("Photo ID:", m("PHOTO", "PH-" + digits(5))), ("full-face photograph on file:", m("PHOTO", "IMG_%s.JPG" % digits(4))),
                 ("photo file", m("PHOTO", "face_%s.png" % digits(4))), ("image #", m("PHOTO", digits(7)))])
def other_id():
    return pick([("Accession #:", m("ID", "S%d-%s" % (R.randrange(18, 26), digits(5)))), ("Employee ID", m("ID", "E-" + digits(5))),
                 ("Passport No.", m("ID", digits(9))), ("Specimen ID:", m("ID", "SP-%s-%s" % (digits(5), letters(1)))),
                 ("Case number", m("ID", "%d-%s" % (R.randrange(2015, 2026), digits(6)))), ("Study ID", m("ID", "STX-" + digits(4)))])
def address():
    c = pick(CITIES)
    street = "%d %s%s %s" % (R.randrange(1, 9999), pick(["", "", "North ", "W. ", "East "]), pick(STREETS), pick(SUFFIX))
    if R.random() < 0.3: street += pick([", Apt %d" % R.randrange(1, 40), " Unit %s" % (str(R.randrange(1, 9)) + R.choice("ABC")), ", Suite %d" % R.randrange(100, 500)])
    zipc = c[2] + digits(2)
    if R.random() < 0.2: zipc += "-" + digits(4)
    return "%s, %s, %s %s" % (m("LOCATION", street), m("LOCATION", c[0]), c[1], m("ZIP", zipc)), c
def age_old(): 
    a = R.randrange(90, 104)
    return pick(["%s-year-old" % m("AGE", str(a)), "%s year old" % m("AGE", str(a)), "age %s" % m("AGE", str(a)), "%s y/o" % m("AGE", str(a)), "%s yo" % m("AGE", str(a)), "aged %s" % m("AGE", str(a))])
def age_any():
    return age_old() if R.random() < 0.4 else pick(["%d-year-old", "%d year old", "age %d", "%d y/o"]) % R.randrange(19, 89)

def clinical():
    return " ".join(R.sample(EPONYM_SENTENCES, R.randrange(2, 5)))

SEX = ["man", "woman"]

def discharge(p, d1, d2):
    att, pcp, cons = Doc(), Doc(), Doc()
    addr, c = address()
    rel = Person(); rel.last = p.last if R.random() < .5 else rel.last
    s = []
    s.append(pick(["DISCHARGE SUMMARY", "Discharge Summary", "HOSPITAL DISCHARGE SUMMARY"]))
    s.append("Patient: %s    MRN: %s" % (p.full(), mrn()))
    s.append("DOB: %s    Admitted: %s    Discharged: %s" % (dob(), date(), date()))
    s.append("Attending: %s    PCP: %s" % (att.ref(), pcp.ref()))
    s.append("")
    s.append("HOSPITAL COURSE: %s is a %s %s admitted on %s with chest pain. %s Seen in consultation by %s on the %s. "
             "Troponin peaked at 0.8. %s" % (p.titled(), age_any(), pick(SEX), date(), clinical(), cons.ref(),
                                            m("DATE", pick(["3rd", "12th", "21st", "2nd", "30th"])), pick(["Echo showed EF 45%.", "Cath was deferred.", ""])))
    s.append("DISPOSITION: Home with %s %s (cell %s). Address on file: %s." % (pick(["her daughter", "his son", "wife", "husband"]), rel.plain(), ph(), addr))
    s.append("Follow-up with %s on %s; call %s with questions. Fax records to %s." % (pcp.ref(), date(), ph(), fax()))
    s.append("Insurance: Medicare, MBI %s. Account #: %s." % (hp(), acct()))
    s.append("")
    s.append("Electronically signed by %s on %s" % (att.ref(), date()))
    return "\n".join(s)

def clinic(p, d1, d2):
    doc, nurse = Doc(), Person()
    addr, c = address()
    lab, val = lic()
    s = [pick(["OUTPATIENT CLINIC NOTE", "Clinic Visit", "PRIMARY CARE PROGRESS NOTE", "Office Visit"]),
         "Name: %s   Date of birth: %s   Visit date: %s" % (p.full(), dob(), date()),
         "Medical record number: %s   Member ID: %s" % (mrn(), hp()), "",
         "SUBJECTIVE: %s returns for follow-up of diabetes. %s She was last seen %s. "
         "Her neighbor %s drove her in. %s" % (p.titled(), age_any().capitalize() + ".", date(), Person().plain(), clinical()),
         "OBJECTIVE: BP 132/78, HR 72, A1c 7.9. Strength 5/5.",
         "PLAN: Increase metformin. Return on %s. Patient portal %s. Phone %s." % (date(), url(p), ph()),
         "Demographics: %s. Email %s. SSN %s." % (addr, email(p), ssn()),
         "", "%s" % doc.ref(), "%s %s" % (lab, val)]
    return "\n".join(s)

def letter(p, d1, d2):
    doc, ref = Doc(), Doc()
    addr, c = address()
    s = [m("DATE", pick(["%s %d, %d" % (pick(MONTHS), R.randrange(1, 29), R.randrange(2018, 2026)), "%02d/%02d/%d" % (R.randrange(1, 13), R.randrange(1, 29), R.randrange(2018, 2026))])), "",
         "%s" % ref.ref(), "%s Medical Group" % pick(["Valley", "Summit", "Lakeside", "Riverbend"]),
         "%s, %s, %s %s" % (m("LOCATION", "%d %s %s" % (R.randrange(10, 999), pick(STREETS), pick(SUFFIX))), m("LOCATION", c[0]), c[1], m("ZIP", c[2] + digits(2))), "",
         "RE: %s, DOB %s, MRN %s" % (p.full(), dob(), mrn()), "",
         "Dear Dr. %s," % m("NAME", ref.last), "",
         "Thank you for referring %s, a %s %s, whom I saw on %s. %s "
         "%s lives in %s with %s. I reviewed the images (%s %s) and the device interrogation (%s %s). "
         "We will see %s back in %s." % (p.titled(), age_any(), pick(SEX), date(), clinical(), p.titled(),
                                          m("LOCATION", pick(CITIES)[0]), pick(["her husband", "his wife", "a roommate"]), *photo(), *device(),
                                          pick(["him", "her"]), m("DATE", pick(["March", "October", "December", "June"]) + " %d" % R.randrange(2024, 2027))),
         "", pick(["Sincerely,", "Best regards,", "Regards,"]), "", "%s %s" % (m("NAME", "%s %s" % (doc.first, doc.last)), pick(["MD", "M.D.", "DO"])),
         "Tel %s | Fax %s | %s" % (ph(), fax(), email(doc))]
    return "\n".join(s)

def ed(p, d1, d2):
    doc, rn = Doc(), Person()
    veh_l, veh_v = vehicle()
    s = [pick(["EMERGENCY DEPARTMENT NOTE", "ED Provider Note", "EMERGENCY ROOM RECORD"]),
         "%s  %s  %s" % (p.full(), "MRN " + mrn(), "FIN " + acct()),
         "Arrival: %s at 14:32 by EMS" % date(), "",
         "HPI: %s, %s, was the restrained driver in a collision (%s %s) on %s. "
         "Police at scene; officer badge %s. Brought in by %s %s. Contact: %s." % (p.plain(), age_any(), veh_l, veh_v, date(),
                                                                                 m("ID", digits(5)), pick(["her brother", "his sister", "friend"]), Person().plain(), ph()),
         "PMH: %s" % clinical(),
         "EXAM: GCS 15. Abdomen soft. Pupils 3 mm.",
         "Discussed with %s. Seen by %s. Nurse %s." % (doc.ref(), Doc().ref(), rn.plain()),
         "SSN: %s. Home: %s." % (ssn(), address()[0]),
         "Imaging viewer login from %s." % ip()]
    return "\n".join(s)

def op(p, d1, d2):
    surg, asst, anes = Doc(), Doc(), Doc()
    dl, dv = device()
    s = ["OPERATIVE REPORT", "PATIENT: %s" % p.full(), "MEDICAL RECORD #: %s" % mrn(),
         "DATE OF OPERATION: %s" % date(), "SURGEON: %s" % surg.ref(), "ASSISTANT: %s" % asst.ref(),
         "ANESTHESIOLOGIST: %s" % anes.ref(), "",
         "PROCEDURE: Laparoscopic cholecystectomy. Implant %s %s. Lot %s." % (dl, dv, m("DEVICE", digits(6))),
         "Positioned supine, then reverse Trendelenburg. Foley placed. %s" % clinical(),
         "Specimen sent; %s %s." % other_id(),
         "Dictated by %s on %s. Transcribed %s." % (surg.ref(), date(), date())]
    return "\n".join(s)

def radiology(p, d1, d2):
    rad = Doc()
    s = ["RADIOLOGY REPORT", "Patient Name: %s   Patient ID: %s" % (p.full(), mrn()),
         "Exam date: %s   Accession: %s" % (date(), m("ID", "RAD" + digits(7))),
         "Ordering provider: %s" % Doc().ref(), "",
         "CT ABDOMEN AND PELVIS WITH CONTRAST. Comparison %s. %s" % (date(), pick(["No acute findings.", "Small hiatal hernia.", "Hepatic steatosis."])),
         "Workstation %s. Images archived to %s." % (ip(), url(p)),
         "Read by %s." % rad.ref()]
    return "\n".join(s)

def progress(p, d1, d2):
    s = ["PROGRESS NOTE - HOSPITAL DAY %d" % R.randrange(2, 9), "%s | %s | %s" % (p.full(), "MRN: " + mrn(), "DOB: " + dob()), "",
         "S: %s reports better sleep. Daughter %s visited %s." % (p.titled(), Person().firstonly(), pick(["yesterday", "on " + date()])),
         "O: Afebrile. %s" % clinical(),
         "A/P: %s, improving. Plan discharge %s. Social work contacted %s at %s." % (age_any().capitalize(), date(), Person().plain(), ph()),
         "%s %s" % biometric(),
         "-- %s" % Doc().ref()]
    return "\n".join(s)

def phone_note(p, d1, d2):
    s = ["TELEPHONE ENCOUNTER", "Caller: %s (%s)" % (Person().plain(), pick(["spouse", "son", "daughter", "self"])),
         "Patient: %s   DOB %s   MRN %s" % (p.full(), dob(), mrn()),
         "Call received %s at 9:15 AM. Callback number %s." % (date(), ph()),
         "Reports dizziness since %s. Advised ED if worse. %s" % (date(), clinical()),
         "Pharmacy fax: %s. Policy #: %s. Subscriber ID: %s." % (fax(), hp(), hp()),
         "Routed to %s." % Doc().ref()]
    return "\n".join(s)

def consult(p, d1, d2):
    s = ["CONSULTATION", "Requested by: %s" % Doc().ref(), "Consultant: %s" % Doc().ref(),
         "Patient: %s, %s %s" % (p.full(), age_any(), pick(SEX)), "MRN: %s  Acct: %s  SSN: %s" % (mrn(), acct(), ssn()), "",
         "Reason: weight loss. %s works as a teacher at %s Elementary in %s. Her email is %s. "
         "She travelled to %s on %s." % (p.titled(), pick(["Lincoln", "Roosevelt", "Oakwood"]), m("LOCATION", pick(CITIES)[0]), email(p),
                                         m("LOCATION", pick(["Fresno", "Tucson", "Omaha", "Raleigh"])), date()),
         "History: %s" % clinical(),
         "Impression: likely malabsorption. Recheck on %s." % date(),
         "%s %s. %s %s." % (*lic(), *other_id())]
    return "\n".join(s)

def nursing(p, d1, d2):
    s = ["NURSING NOTE %s 0700" % date(), "Pt %s in bed 12. %s" % (p.plain(), age_any().capitalize() + "."),
         "Wife %s at bedside, phone %s. Wristband MRN %s." % (Person().firstonly(), ph(), mrn()),
         "Voiceprint and photo consent signed: %s %s; %s %s." % (*biometric(), *photo()),
         "Personal belongings: wallet, %s %s." % vehicle(), "%s" % clinical(),
         "%s, RN" % m("NAME", "%s %s" % (pick(FIRST), pick(LAST)))]
    return "\n".join(s)

KINDS = [discharge, clinic, letter, ed, op, radiology, progress, phone_note, consult, nursing]

def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/golden/deid"
    os.makedirs(out, exist_ok=True)
    for i in range(120):
        p = Person()
        txt = KINDS[i % len(KINDS)](p, None, None)
        with open(os.path.join(out, "note_%03d.txt" % (i + 1)), "w") as f:
            f.write(txt + "\n")

main()
