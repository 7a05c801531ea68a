"""Common first names (Arabic script, Latin transliteration, English) that the story tool replaces with [NAME].

Names that are also everyday words are left out on purpose, because replacing them would change what a message
means: نور (light), أمل / amal (hope), سلام (peace, hello), صباح (morning), فرح (joy), سعيد (happy), حياة (life),
كريم (generous), جميلة (beautiful), علي (often written for على "on"), حسن (good), صالح, عادل, أمين, جمال, رضا,
سيف, إيمان, آية, أسماء (names), لين (Gulf "until"), سما (sky), هيا (let's go), ديما (Maghrebi "always"), غلا,
حلا, تركي, عمر (age), راشد (adult), زايد, دعاء, أنس. Latin spellings that are also Arabizi words: hala (hello),
lama (when), jana, lina, rana (we are), hani, ella (except), ben (between), sam (poison), mia (hundred),
leila / laila / layla (night), issa (now), zayed. English words: nada, malak, max, will, grace, hope, joy, may,
mark. A name written after "my name is" / "اسمي" / "esmi" is replaced anyway, whatever it is.
"""
from __future__ import annotations

ARABIC_SCRIPT = """
محمد أحمد محمود مصطفى عثمان خالد يوسف إبراهيم إسماعيل حسين عبدالله عبدالرحمن عبدالعزيز سلطان فهد ناصر
فيصل سعود ماجد حمد حمدان منصور طارق زياد رامي سامي هاني وليد بلال آدم ياسين أيمن معاذ حمزة
عمار مراد نبيل إياد باسل مازن قيس ليث نواف مشعل تميم جاسم عيسى موسى يحيى زكريا مهدي وائل نزار فارس رائد
سليمان داود هشام ياسر حازم شادي فادي رامز ريان أسامة عبود
مريم فاطمة عائشة خديجة زينب سارة هبة رنا رهف تالا لمى شيماء ياسمين دينا رغد نوف العنود روان لولوة مها
سلمى نادية سمر ليلى ريم ندى جنى دانة رانيا نورة هند أميرة لجين بتول رزان آلاء إسراء حنين
""".split()

LATIN = """
mohammed mohamed muhammad mohammad mohamad mhmd ahmed ahmad mahmoud mahmud mustafa moustafa mostafa ali omar
umar othman khaled khalid youssef yousef yousif yusuf ibrahim ismail hassan hussein hussain husain abdallah
abdullah abdulla abdulrahman abdelrahman abdulaziz fahad fahd nasser faisal saud majed majid rashid rashed
hamad hamdan mansour tarek tariq ziad zeyad rami sami walid waleed bilal adam yassin yaseen ayman
anas moaz muath hamza ammar mourad murad nabil iyad eyad basel bassel mazen qais laith leith nawaf mishal
meshal tamim jassim jasim musa mousa yahya zakaria mahdi mehdi wael nizar fares faris raed sulaiman
suleiman dawood hisham yasser yaser hazem shadi fadi ramez rayan osama usama
mariam maryam meriem fatima fatma aisha aicha khadija zainab zeinab sara sarah heba hiba rahaf tala 
shaimaa yasmin yasmine dina raghad nouf anoud rawan lulwa maha salma nadia samar reem 
dana rania noura hind amira lujain batoul razan duaa alaa israa haneen
james john robert michael david richard joseph thomas charles christopher daniel matthew anthony andrew joshua
ryan jacob ethan noah liam oliver elijah lucas mason logan alexander henry sebastian owen samuel nathan isaac
dylan leo jayden harry george charlie oscar alfie freddie archie jack tom alex josh luke jake
mary patricia jennifer linda elizabeth susan jessica emily emma olivia ava sophia isabella amelia harper
evelyn abigail chloe lily zoe hannah sophie ruby isla poppy freya jasmine scarlett madison ashley megan
lauren rachel rebecca katie
""".split()
