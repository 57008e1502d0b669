package accounts

// Word lists for believable demo practices and people.
var (
	demoFirstNames = []string{
		"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
		"William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
		"Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Sandra", "Mark", "Margaret",
		"Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily", "Paul", "Donna", "Joshua", "Michelle",
		"Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Melissa", "George", "Deborah", "Timothy", "Stephanie",
		"Ronald", "Rebecca", "Jason", "Sharon", "Edward", "Laura", "Jeffrey", "Cynthia", "Ryan", "Dorothy",
		"Jacob", "Amy", "Gary", "Kathleen", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Emma",
		"Stephen", "Brenda", "Larry", "Pamela", "Justin", "Nicole", "Scott", "Anna", "Brandon", "Samantha",
		"Benjamin", "Katherine", "Samuel", "Christine", "Gregory", "Debra", "Alexander", "Rachel", "Patrick", "Carolyn",
		"Frank", "Janet", "Raymond", "Maria", "Jack", "Olivia", "Dennis", "Heather", "Jerry", "Helen",
		"Tyler", "Catherine", "Aaron", "Diane", "Jose", "Julie", "Adam", "Victoria", "Nathan", "Joyce",
		"Henry", "Lauren", "Zachary", "Kelly", "Douglas", "Christina", "Peter", "Ruth", "Kyle", "Joan",
		"Noah", "Virginia", "Ethan", "Judith", "Jeremy", "Evelyn", "Christian", "Hannah", "Walter", "Andrea",
		"Keith", "Megan", "Austin", "Cheryl", "Roger", "Jacqueline", "Terry", "Madison", "Sean", "Teresa",
		"Gerald", "Abigail", "Carl", "Sophia", "Dylan", "Martha", "Harold", "Sara", "Jordan", "Gloria",
		"Priya", "Wei", "Aisha", "Mateo", "Yuki", "Omar", "Fatima", "Diego", "Mei", "Arjun",
		"Sofia", "Luis", "Amara", "Hiroshi", "Leila", "Tomasz", "Ingrid", "Kwame", "Rosa", "Dmitri",
	}
	demoLastNames = []string{
		"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
		"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
		"Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
		"Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
		"Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
		"Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
		"Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
		"Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
		"Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
		"Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
		"Okafor", "Nakamura", "Kowalski", "Haddad", "Lindqvist", "Mensah", "Chen", "Singh", "Novak", "Rossi",
		"Schmidt", "Dubois", "Ivanova", "Yamamoto", "Abernathy", "Whitfield", "Castellano", "Oyelaran", "Brennan", "Delgado",
	}
	demoPlaces = []string{
		"Riverside", "Lakeview", "Cedar Grove", "Maple Ridge", "Harbor", "Summit", "Willow Creek", "Oak Valley",
		"Brightwater", "Pinecrest", "Stonebridge", "Meadowbrook", "Fairview", "Northgate", "Sunrise", "Bayside",
		"Clearwater", "Highland", "Greenfield", "Silver Lake", "Westbrook", "Elmwood", "Hillcrest", "Redwood",
		"Ashford", "Kingsley", "Linden", "Prairie", "Canyon", "Seaside", "Mission", "Parkside",
	}
	demoSpecialties = []string{
		"Family Medicine", "Pediatrics", "Psychiatry", "Behavioral Health", "Dermatology", "Orthopedics",
		"Cardiology", "Internal Medicine", "Women's Health", "Physical Therapy", "Counseling", "Podiatry",
		"Allergy & Asthma", "Chiropractic", "Sleep Medicine", "Endocrinology", "Urgent Care", "Wellness",
	}
	// demoBranchTowns tell apart practices drawn with one name (practiceName).
	demoBranchTowns = []string{
		"Dayton", "Fresno", "Tacoma", "Boise", "Akron", "Toledo", "Reno", "Eugene", "Macon", "Peoria",
		"Provo", "Salem", "Erie", "Flint", "Ogden", "Tulsa", "Wichita", "Durham", "Mobile", "Laredo",
		"Yonkers", "Norman", "Billings", "Albany",
	}
	demoPracticeForms = []string{"%s %s", "%s %s Associates", "%s %s Group", "%s %s Clinic", "%s %s Partners", "%s %s Center"}
	demoMailDomains   = []string{"gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "hotmail.com", "fastmail.com", "aol.com"}
)

// Names written with accents and other Latin letters, for a few demo people.
var (
	demoIntlLastNames = []string{
		"Łukasiewicz", "Núñez", "Müller", "Lefèvre", "Dvořák", "Çelik", "Petrović", "Kierkegaard", "Søndergaard",
		"Þórsson", "Strauß", "Peña", "Ibáñez", "Gómez", "Wójcik", "Nowakowská", "Öztürk", "Håkansson", "Jürgens",
		"Brontë", "Šimková", "Zieliński", "Grün", "Fernández", "López", "Muñoz", "Ólafsdóttir", "Dąbrowski", "Ærø",
	}
	demoIntlFirstNames = []string{
		"José", "Zoë", "Renée", "François", "Łukasz", "Søren", "Ægir", "Đorđe", "Ömer", "Inés", "Björn", "Agnès",
		"Małgorzata", "Jiří", "Noémie", "Ángel", "Chloé", "Zoltán",
	}
)
