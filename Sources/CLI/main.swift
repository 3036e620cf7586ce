import Influence
print("weasel")
